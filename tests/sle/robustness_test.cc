// Misbehaving peers on real loopback sockets: malformed PDUs and TML headers after BIND,
// operations out of state, a user that stops reading in timely mode, a user that vanishes. Each
// gets the protocol's answer (PEER-ABORT with its diagnostic, CCSDS 913.1-B-2 §3.2.4; dead-factor
// supervision §3.2.5) while another user of the same provider keeps receiving every frame.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <atomic>
#include <thread>

#include "raw_tml_client.h"
#include "sle/credentials.h"
#include "sle/provider.h"
#include "sle/tml.h"
#include "sle/user.h"

using namespace groundlink;
using namespace groundlink::sle;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const char* kGood = "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt1";
const char* kBad = "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt2";

ServiceInstanceConfig raf(const char* sii) {
  ServiceInstanceConfig c;
  c.sii = sii;
  c.host = "127.0.0.1";
  c.latency_limit_ms = 20;
  c.tml.min_heartbeat_s = 1;
  return c;
}

UserConfig user_of(const SleProvider& p, const char* sii, int version = 5) {
  UserConfig u;
  u.port = p.port(sii);
  u.sii = sii;
  u.version = version;
  u.return_timeout_ms = 3000;
  return u;
}

framing::Frame frame(uint32_t i) {
  framing::Frame f;
  f.data.assign(1115, static_cast<uint8_t>(i));
  f.data[0] = static_cast<uint8_t>(i >> 8);
  f.data[1] = static_cast<uint8_t>(i);
  f.quality = framing::FrameQuality::good;
  return f;
}

/// A hand-driven association: raw TML messages, PDUs encoded with our codec.
struct RawAssoc : test::RawTmlClient {
  explicit RawAssoc(uint16_t port, uint16_t hb = 30, uint16_t df = 3) : RawTmlClient(port) {
    send(tml_encode_context({1, hb, df}));
  }
  using RawTmlClient::send;
  void send(const Pdu& p) { send_pdu(encode_pdu(p, ServiceType::rtn_all_frames, 5)); }
  Pdu read() {
    const std::vector<uint8_t> body = read_pdu();
    return decode_pdu(body.data(), body.size(), ServiceType::rtn_all_frames, 5);
  }
  void bind(const char* sii) {
    BindInvocation b;
    b.initiator = "raw";
    b.responder_port = "RAF_PORT";
    b.service_type = 0;
    b.version = 5;
    b.sii = ServiceInstanceId::parse(sii);
    send(b);
    ASSERT_TRUE(std::get<BindReturn>(read()).positive);
  }
  void start() {
    StartInvocation s;
    s.invoke_id = 7;
    send(s);
    ASSERT_TRUE(std::get<StartReturn>(read()).result.positive);
  }
  /// Reads until the provider closes; returns the last octet (the PEER-ABORT diagnostic) or -1.
  int read_abort() {
    const std::vector<uint8_t> all = read_to_end();
    // Whole TML messages, then the lone urgent octet.
    std::vector<uint8_t> rest;
    tml_split(all.data(), all.size(), &rest, 1 << 24);
    return rest.size() == 1 ? rest[0] : -1;
  }
};

/// A user of kGood that must see every frame while the others misbehave.
struct Witness {
  SleUser u;
  std::atomic<uint32_t> next{0};
  std::atomic<bool> in_order{true};
  explicit Witness(const SleProvider& p) : u(user_of(p, kGood)) {
    u.on_frame([this](const AnnotatedFrame& f) {
      const uint32_t i = (uint32_t{f.data[0]} << 8) | f.data[1];
      if (i != (next & 0xffff)) in_order = false;
      ++next;
    });
    EXPECT_TRUE(u.bind().positive);
    EXPECT_TRUE(u.start().result.positive);
  }
};

GetParameterReturn buffer_size_return() {
  GetParameterReturn g;
  g.parameter.name = param::kBufferSize;
  g.parameter.value = 20;
  return g;
}

}  // namespace

TEST(Robustness, MalformedInputAfterBindIsAbortedOthersKeepReceiving) {
  ProviderConfig pc;
  pc.instances = {raf(kGood), raf(kBad)};
  SleProvider provider(pc);
  provider.start();
  Witness w(provider);
  struct Case {
    const char* what;
    std::vector<uint8_t> bytes;
    int diag;
  };
  const std::vector<Case> cases = {
      {"BER length beyond the PDU", {1, 0, 0, 0, 0, 0, 0, 4, 0xa6, 0x7f, 0x80, 0x00}, 5},
      {"unknown operation tag", {1, 0, 0, 0, 0, 0, 0, 4, 0xbf, 0x3f, 0x01, 0x00}, 5},
      {"octets after the PDU", {1, 0, 0, 0, 0, 0, 0, 6, 0xa6, 0x02, 0x80, 0x00, 0x00, 0x00}, 5},
      {"invokeId out of range", {1, 0, 0, 0, 0, 0, 0, 13, 0xa6, 0x0b, 0x80, 0x00, 0x02, 0x03, 0x01, 0x00, 0x00,
                                 0x02, 0x02, 0x00, 0x04, 0, 0}, 5},
      {"TML length over the limit", {1, 0, 0, 0, 0x40, 0, 0, 1}, 3},
      {"TML reserved octets", {1, 1, 0, 0, 0, 0, 0, 2, 0x80, 0x00}, 3},
      {"second context message", tml_encode_context({1, 30, 3}), 3},
      {"heartbeat with a body", {3, 0, 0, 0, 0, 0, 0, 1, 0}, 3},
  };
  uint32_t sent = 0;
  for (const auto& c : cases) {
    RawAssoc raw(provider.port(kBad));
    raw.bind(kBad);
    raw.send(c.bytes);
    for (int i = 0; i < 25; ++i) provider.deliver(frame(sent++));
    EXPECT_EQ(raw.read_abort(), c.diag) << c.what;
    for (int i = 0; i < 200 && provider.stats(kBad).bound; ++i) std::this_thread::sleep_for(5ms);
    EXPECT_FALSE(provider.stats(kBad).bound) << c.what;
  }
  EXPECT_EQ(provider.stats(kBad).aborts, cases.size());
  ASSERT_TRUE(w.u.wait_frames(sent, 3s));
  EXPECT_TRUE(w.in_order);
  EXPECT_TRUE(w.u.stop().result.positive);
  w.u.unbind();
  provider.stop();
}

TEST(Robustness, OperationsOutOfStateArePeerAborted) {
  ProviderConfig pc;
  pc.instances = {raf(kGood), raf(kBad)};
  SleProvider provider(pc);
  provider.start();
  Witness w(provider);
  uint32_t sent = 0;
  auto traffic = [&] {
    for (int i = 0; i < 25; ++i) provider.deliver(frame(sent++));
  };
  auto aborted = [&](SleUser& u) {
    const int d = u.wait_closed(3s);
    for (int i = 0; i < 200 && provider.stats(kBad).bound; ++i) std::this_thread::sleep_for(5ms);
    return d;
  };
  const int kProtocolError = static_cast<int>(PeerAbortDiagnostic::protocol_error);
  {  // STOP while ready (911.1-B §4: STOP only when active)
    SleUser u(user_of(provider, kBad));
    ASSERT_TRUE(u.bind().positive);
    EXPECT_THROW(u.stop(), SleUserError);
    traffic();
    EXPECT_EQ(aborted(u), kProtocolError);
  }
  {  // START while active
    SleUser u(user_of(provider, kBad));
    ASSERT_TRUE(u.bind().positive);
    ASSERT_TRUE(u.start().result.positive);
    EXPECT_THROW(u.start(), SleUserError);
    traffic();
    EXPECT_EQ(aborted(u), kProtocolError);
  }
  {  // UNBIND while active
    SleUser u(user_of(provider, kBad));
    ASSERT_TRUE(u.bind().positive);
    ASSERT_TRUE(u.start().result.positive);
    EXPECT_THROW(u.unbind(), SleUserError);
    traffic();
    EXPECT_EQ(aborted(u), kProtocolError);
  }
  {  // a second BIND on a bound association, and provider-to-user PDUs sent by the user
    const std::vector<Pdu> wrong = {BindInvocation{{}, "raw", "RAF_PORT", 0, 5, ServiceInstanceId::parse(kBad)},
                                    TransferBuffer{}, buffer_size_return(), BindReturn{}, StatusReport{}};
    for (const auto& p : wrong) {
      RawAssoc raw(provider.port(kBad));
      raw.bind(kBad);
      raw.send(p);
      traffic();
      EXPECT_EQ(raw.read_abort(), kProtocolError) << pdu_name(p);
      for (int i = 0; i < 200 && provider.stats(kBad).bound; ++i) std::this_thread::sleep_for(5ms);
    }
  }
  {  // START before BIND (the association is not yet bound)
    RawAssoc raw(provider.port(kBad));
    raw.send(StartInvocation{});
    EXPECT_EQ(raw.read_abort(), kProtocolError);
  }
  // The instance is free again and works normally.
  SleUser again(user_of(provider, kBad));
  ASSERT_TRUE(again.bind().positive);
  ASSERT_TRUE(again.start().result.positive);
  traffic();
  ASSERT_TRUE(again.wait_frames(25, 3s));
  ASSERT_TRUE(w.u.wait_frames(sent, 3s));
  EXPECT_TRUE(w.in_order);
  again.stop();
  again.unbind();
  w.u.stop();
  w.u.unbind();
  provider.stop();
}

// Timely online delivery to a user that never reads: the provider's queue for it stays bounded
// (buffers beyond max_backlog_buffers are discarded, 911.1-B §2.4.2.2), and when the user also
// stops sending, the dead factor (heartbeat 1 s x 2) ends the association. The other user on the
// same port keeps getting every frame meanwhile.
TEST(Robustness, SlowUserStaysBoundedAndVanishedUserIsDetected) {
  ProviderConfig pc;
  pc.instances = {raf(kGood), raf(kBad)};
  pc.instances[0].delivery = DeliveryMode::complete_online;  // the witness may not lose frames either
  pc.instances[1].buffer_size = 10;
  pc.instances[1].max_backlog_buffers = 8;
  SleProvider provider(pc);
  provider.start();
  Witness w(provider);
  RawAssoc raw(provider.port(kBad), 1, 2);
  raw.bind(kBad);
  raw.start();
  // Never read again: the socket buffers fill, then the provider queue.
  const auto t0 = std::chrono::steady_clock::now();
  // One TRANSFER-BUFFER of 10 annotated 1115-octet frames is about 11.5 kB; what may be queued is
  // the backlog plus one write in progress (at most 256 messages / 8 MiB).
  const uint64_t tb = 10 * 1200 + 64;
  const uint64_t bound = (8 + 2) * tb + 256 * tb;
  uint64_t peak = 0;
  uint32_t sent = 0;
  while (sent < 40000) {
    provider.deliver(frame(sent++));
    if (sent % 1000 == 0) {
      const auto st = provider.stats(kBad);
      peak = std::max(peak, st.queued_bytes);
      ASSERT_LE(st.queued_bytes, bound) << "after " << sent << " frames";
      ASSERT_LE(st.queued_buffers, 8u + 256u);
    }
  }
  const auto st = provider.stats(kBad);
  EXPECT_GT(st.frames_discarded, 30000u);  // 44 MB offered, a few MB at most in flight
  EXPECT_GT(peak, 4 * tb);  // the queue did fill up to its bound
  EXPECT_TRUE(st.bound);
  // The raw user sends nothing at all (no heartbeats): dead after 1 s x 2.
  while (provider.stats(kBad).bound && std::chrono::steady_clock::now() - t0 < 6s) std::this_thread::sleep_for(10ms);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(provider.stats(kBad).bound);
  EXPECT_GE(s, 1.9);
  EXPECT_LT(s, 4.5);
  EXPECT_EQ(provider.stats(kBad).aborts, 1u);
  EXPECT_EQ(provider.stats(kBad).queued_bytes, 0u);
  ASSERT_TRUE(w.u.wait_frames(sent, 10s));
  EXPECT_TRUE(w.in_order);
  EXPECT_EQ(provider.stats(kGood).frames_discarded, 0u);
  w.u.stop();
  w.u.unbind();
  provider.stop();
}

// Regression: INTEGERs wider than the field (here a SCHEDULE-STATUS-REPORT cycle of 2^32 + 5) were
// truncated to a valid-looking value instead of being rejected.
TEST(Robustness, OversizedIntegersAreNotTruncated) {
  // [4] { credentials unused, invokeId 1, periodically [1] 0x0100000005 }
  const auto pdu = hex_decode("a40c8000020101810501000000" "05");
  EXPECT_THROW(decode_pdu(pdu.data(), pdu.size(), ServiceType::rtn_all_frames, 5), BerError);
  const auto ok = hex_decode("a4088000020101810105");
  const auto s = std::get<ScheduleStatusReportInvocation>(decode_pdu(ok.data(), ok.size(), ServiceType::rtn_all_frames, 5));
  EXPECT_EQ(s.cycle_s, 5);
  // RCF virtual channel 2^32 + 1 in a START.
  const auto rcf = hex_decode("a019800002010180008000300e020200ab020100810501000000" "01");
  const auto rcf_ok = hex_decode("a015800002010180008000300a020200ab020100810101");
  EXPECT_EQ(std::get<StartInvocation>(decode_pdu(rcf_ok.data(), rcf_ok.size(), ServiceType::rtn_ch_frames, 5)).gvcid.vcid, 1);
  EXPECT_THROW(decode_pdu(rcf.data(), rcf.size(), ServiceType::rtn_ch_frames, 5), BerError);
}

// 32 users at once in complete online mode: each receives every frame, in order (the producer
// waits for the slowest user instead of discarding).
TEST(Robustness, ThirtyTwoCompleteModeUsersLoseNothing) {
  const int n_users = 32;
  const uint32_t n_frames = 3000;
  ProviderConfig pc;
  pc.io_threads = 2;
  std::vector<std::string> siis;
  for (int i = 0; i < n_users; ++i) {
    siis.push_back("sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=user" + std::to_string(i));
    auto c = raf(siis.back().c_str());
    c.delivery = DeliveryMode::complete_online;
    c.max_backlog_buffers = 4;
    pc.instances.push_back(c);
  }
  SleProvider provider(pc);
  provider.start();
  struct Counter {
    std::atomic<uint32_t> next{0};
    std::atomic<bool> in_order{true};
  };
  std::vector<Counter> counters(n_users);
  std::vector<std::unique_ptr<SleUser>> users;
  for (int i = 0; i < n_users; ++i) {
    users.push_back(std::make_unique<SleUser>(user_of(provider, siis[i].c_str())));
    Counter& c = counters[i];
    const bool slow = i % 8 == 0;  // a few slow readers hold the producer back
    users.back()->on_frame([&c, slow](const AnnotatedFrame& f) {
      const uint32_t idx = (uint32_t{f.data[0]} << 8) | f.data[1];
      if (idx != (c.next & 0xffff)) c.in_order = false;
      ++c.next;
      if (slow && c.next % 100 == 0) std::this_thread::sleep_for(1ms);
    });
    ASSERT_TRUE(users.back()->bind().positive);
    ASSERT_TRUE(users.back()->start().result.positive);
  }
  for (uint32_t i = 0; i < n_frames; ++i) provider.deliver(frame(i));
  for (int i = 0; i < n_users; ++i) {
    ASSERT_TRUE(users[i]->wait_frames(n_frames, 10s)) << "user " << i << " got " << users[i]->stats().frames;
    EXPECT_EQ(users[i]->stats().frames, n_frames);
    EXPECT_TRUE(counters[i].in_order) << "user " << i;
    EXPECT_EQ(provider.stats(siis[i]).frames_discarded, 0u);
    EXPECT_EQ(provider.stats(siis[i]).frames_delivered, n_frames);
  }
  for (auto& u : users) {
    EXPECT_TRUE(u->stop().result.positive);
    u->unbind();
  }
  provider.stop();
}

// A user whose socket is full (it stopped reading) and then breaks the protocol: the PEER-ABORT
// urgent octet cannot be written, and the provider must not wait for it (its I/O thread serves the
// other users too). Likewise a user that keeps invoking but never reads its returns is cut off
// before the returns pile up.
TEST(Robustness, AbortOfAStalledUserDoesNotBlockTheOthers) {
  ProviderConfig pc;
  pc.instances = {raf(kGood), raf(kBad)};
  pc.instances[0].delivery = DeliveryMode::complete_online;
  SleProvider provider(pc);
  provider.start();
  Witness w(provider);
  RawAssoc raw(provider.port(kBad));
  raw.bind(kBad);
  raw.start();
  uint32_t sent = 0;
  // Fill the bad user's socket buffers (it never reads).
  while (provider.stats(kBad).frames_discarded == 0 && sent < 200000) provider.deliver(frame(sent++));
  ASSERT_GT(provider.stats(kBad).frames_discarded, 0u);
  raw.send({1, 0, 0, 0, 0, 0, 0, 4, 0xa6, 0x7f, 0x80, 0x00});  // undecodable -> PEER-ABORT
  for (int i = 0; i < 200 && provider.stats(kBad).bound; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(provider.stats(kBad).bound);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) provider.deliver(frame(sent++));
  ASSERT_TRUE(w.u.wait_frames(sent, 3s)) << "the witness stalled behind the aborted user";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_TRUE(w.in_order);

  // Invocations without reading the returns.
  RawAssoc greedy(provider.port(kBad));
  greedy.bind(kBad);
  GetParameterInvocation g;
  g.parameter = param::kBufferSize;
  const auto one = encode_pdu(g, ServiceType::rtn_all_frames, 5);
  std::vector<uint8_t> burst;
  for (int i = 0; i < 200; ++i) {
    uint8_t h[8];
    tml_put_header(h, TmlType::pdu, static_cast<uint32_t>(one.size()));
    burst.insert(burst.end(), h, h + 8);
    burst.insert(burst.end(), one.begin(), one.end());
  }
  uint64_t peak = 0;
  boost::system::error_code ec;
  greedy.sock.non_blocking(true);
  for (int k = 0; k < 2000 && !ec; ++k) {
    size_t off = 0;
    while (off < burst.size()) {
      const size_t n = greedy.sock.write_some(asio::buffer(burst.data() + off, burst.size() - off), ec);
      if (ec == asio::error::would_block) {
        ec = {};
        std::this_thread::sleep_for(1ms);
        if (!provider.stats(kBad).bound) break;
        continue;
      }
      if (ec) break;
      off += n;
    }
    peak = std::max(peak, provider.stats(kBad).queued_bytes);
    if (!provider.stats(kBad).bound) break;
  }
  for (int i = 0; i < 200 && provider.stats(kBad).bound; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(provider.stats(kBad).bound) << "a user that never reads its returns must be cut off";
  EXPECT_LT(peak, 4u << 20);
  w.u.stop();
  w.u.unbind();
  provider.stop();
}
