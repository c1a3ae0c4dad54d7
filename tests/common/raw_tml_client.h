// A raw ISP1 peer for protocol tests: a TCP connection to a provider on loopback that sends and
// reads TML messages (CCSDS 913.1-B-2 §3.3) byte for byte, to play users that misbehave.
#pragma once

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>

#include <cstdint>
#include <vector>

#include "sle/tml.h"

namespace groundlink::test {

struct RawTmlClient {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket sock{ioc};

  explicit RawTmlClient(uint16_t port) {
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    // PEER-ABORT's diagnostic comes as TCP urgent data: read it in line.
    sock.set_option(boost::asio::socket_base::out_of_band_inline(true));
  }
  void send(const std::vector<uint8_t>& b) { boost::asio::write(sock, boost::asio::buffer(b)); }
  void send_pdu(const std::vector<uint8_t>& pdu) {
    std::vector<uint8_t> m(8);
    sle::tml_put_header(m.data(), sle::TmlType::pdu, static_cast<uint32_t>(pdu.size()));
    m.insert(m.end(), pdu.begin(), pdu.end());
    send(m);
  }
  /// Reads everything until the peer closes (bounded by a 5 s receive timeout).
  std::vector<uint8_t> read_to_end() {
    timeval tv{5, 0};
    setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::vector<uint8_t> all;
    uint8_t buf[65536];
    for (;;) {
      boost::system::error_code ec;
      const size_t n = sock.read_some(boost::asio::buffer(buf), ec);
      all.insert(all.end(), buf, buf + n);
      if (ec) break;
    }
    return all;
  }
  /// Reads one TML PDU message body (skipping heartbeats).
  std::vector<uint8_t> read_pdu() {
    for (;;) {
      uint8_t h[8];
      boost::asio::read(sock, boost::asio::buffer(h));
      const sle::TmlHeader th = sle::tml_parse_header(h, 1 << 24);
      std::vector<uint8_t> body(th.length);
      boost::asio::read(sock, boost::asio::buffer(body));
      if (th.type == sle::TmlType::pdu) return body;
    }
  }
};

}  // namespace groundlink::test
