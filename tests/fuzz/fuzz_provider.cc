// libFuzzer target: the provider's association state machine behind a real loopback socket
// (ISP1 TML, BIND/START/STOP/UNBIND, GET-PARAMETER, SCHEDULE-STATUS-REPORT, CLTU TRANSFER-DATA and
// THROW-EVENT, for RAF, RCF and CLTU instances, SLE versions 1..5). Each input is one association:
//   octet 0: bits 0-1 instance to BIND first (0 none, 1 RAF, 2 RCF, 3 CLTU), bits 2-4 version - 1,
//            bit 5 START after BIND, bit 6 send the rest as raw bytes instead of TML PDUs
//   then:    PDUs, each as a 2-octet big-endian length and that many octets.
// Frames, link-status changes and end-of-data are pushed while it runs. Whatever the peer sends,
// the provider must answer or abort without crashing, leaking or undefined behaviour, and must
// release the instance once the connection ends.
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <thread>

#include "sle/provider.h"
#include "sle/tml.h"

using namespace groundlink::sle;
namespace asio = boost::asio;

namespace {
const char* kSii[] = {"sagr=1.spack=F.rsl-fg=1.raf=onlt1", "sagr=1.spack=F.rsl-fg=1.rcf=onlc1",
                      "sagr=1.spack=F.fsl-fg=1.cltu=cltu1"};

struct Harness {
  std::unique_ptr<SleProvider> provider;
  uint16_t port = 0;
  Harness() {
    spdlog::set_level(spdlog::level::off);
    ProviderConfig pc;
    const ServiceType types[] = {ServiceType::rtn_all_frames, ServiceType::rtn_ch_frames, ServiceType::fwd_cltu};
    const char* ports[] = {"RAF_PORT", "RCF_PORT", "CLTU_PORT"};
    for (int i = 0; i < 3; ++i) {
      ServiceInstanceConfig c;
      c.sii = kSii[i];
      c.service = types[i];
      c.responder_port = ports[i];
      c.host = "127.0.0.1";
      c.versions = {1, 2, 3, 4, 5};
      c.buffer_size = 3;
      c.latency_limit_ms = 1;
      c.max_backlog_buffers = 4;
      c.min_reporting_cycle_s = 1;
      c.tml.min_heartbeat_s = 0;
      c.tml.context_timeout_s = 1;
      c.permitted_gvcids = {{0xab, 0, false, 1}, {0xab, 0, true, 0}};
      pc.instances.push_back(c);
    }
    provider = std::make_unique<SleProvider>(pc);
    provider->start();
    port = provider->port(kSii[0]);
  }
};

Harness& harness() {
  static Harness* h = new Harness();  // lives for the whole run (libFuzzer exits without unwinding)
  return *h;
}

void put_pdu(std::vector<uint8_t>& out, const std::vector<uint8_t>& pdu) {
  uint8_t h[kTmlHeaderSize];
  tml_put_header(h, TmlType::pdu, static_cast<uint32_t>(pdu.size()));
  out.insert(out.end(), h, h + kTmlHeaderSize);
  out.insert(out.end(), pdu.begin(), pdu.end());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Harness& h = harness();
  const int which = data[0] & 3;
  const int version = 1 + ((data[0] >> 2) & 7) % 5;
  const bool start = data[0] & 0x20;
  const bool raw = data[0] & 0x40;
  std::vector<uint8_t> out = tml_encode_context({1, 0, 3});  // no heartbeat: no timers per input
  if (which) {
    const ServiceType t = which == 1 ? ServiceType::rtn_all_frames
                          : which == 2 ? ServiceType::rtn_ch_frames : ServiceType::fwd_cltu;
    BindInvocation b;
    b.initiator = "fuzz";
    b.responder_port = which == 1 ? "RAF_PORT" : which == 2 ? "RCF_PORT" : "CLTU_PORT";
    b.service_type = static_cast<int>(t);
    b.version = version;
    b.sii = ServiceInstanceId::parse(kSii[which - 1]);
    put_pdu(out, encode_pdu(b, t, version));
    if (start) {
      StartInvocation s;
      s.invoke_id = 1;
      s.gvcid = {0xab, 0, false, 1};
      put_pdu(out, encode_pdu(s, t, version));
    }
  }
  size_t i = 1;
  if (raw) {
    out.insert(out.end(), data + 1, data + size);
  } else {
    while (size - i >= 2) {
      const size_t n = std::min<size_t>((size_t{data[i]} << 8) | data[i + 1], size - i - 2);
      i += 2;
      put_pdu(out, std::vector<uint8_t>(data + i, data + i + n));
      i += n;
    }
  }
  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  boost::system::error_code ec;
  // libFuzzer's timeout alarm (SIGALRM) can interrupt a blocking connect: try again on a new socket.
  for (int attempt = 0; attempt < 5; ++attempt) {
    sock.connect({asio::ip::make_address("127.0.0.1"), h.port}, ec);
    if (ec != asio::error::interrupted) break;
    boost::system::error_code ignore;
    sock.close(ignore);
  }
  if (ec) {
    fprintf(stderr, "connect: %s\n", ec.message().c_str());
    abort();  // the listener stopped accepting
  }
  // Close with a reset: tens of thousands of connections per minute would otherwise exhaust the
  // ephemeral ports in TIME_WAIT.
  sock.set_option(asio::socket_base::linger(true, 0), ec);
  sock.set_option(asio::socket_base::out_of_band_inline(true), ec);
  asio::write(sock, asio::buffer(out), ec);
  // Data path while the association is (maybe) active.
  groundlink::framing::Frame f;
  f.data.assign(64, 0x5a);
  f.quality = groundlink::framing::FrameQuality::good;
  f.gvcid = {0, 0xab, 1};
  for (int k = 0; k < 4; ++k) h.provider->deliver(f);
  h.provider->set_link_status({1, 0, 2, 0, 1});
  h.provider->set_link_status({0, 0, 2, 0, 0});
  h.provider->end_of_data();
  sock.shutdown(asio::socket_base::shutdown_send, ec);
  // Read what comes back until the provider closes (it does: our end of stream ends the
  // association), 300 ms at most.
  timeval tv{0, 300000};
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  uint8_t buf[65536];
  for (;;) {
    sock.read_some(asio::buffer(buf), ec);
    if (ec) break;
  }
  sock.close(ec);
  // The instance must be released once the connection is gone.
  for (int k = 0; k < 400; ++k) {
    bool any = false;
    for (const char* s : kSii) any = any || h.provider->stats(s).bound;
    if (!any) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  abort();  // an association outlived its connection
}
