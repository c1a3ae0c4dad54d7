// Provider <-> user over real loopback sockets (ephemeral ports): association life cycle in every
// authentication mode and SLE version, BIND rejections, malformed input, backlog handling, RCF
// channel selection, offline delivery, and replay of a captured third-party user's byte stream.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "raw_tml_client.h"
#include "sle/credentials.h"
#include "sle/cltu.h"
#include "sle/config_yaml.h"
#include "sle/provider.h"
#include "sle/tml.h"
#include "sle/user.h"
#include "test_data.h"

using namespace groundlink;
using namespace groundlink::sle;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const char* kSii = "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt1";
const char* kSii2 = "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt2";
const char* kRcfSii = "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.rcf=onlc1";
const std::vector<uint8_t> kUserPw = hex_decode("000102030405060708090a0b0c0d0e0f");
const std::vector<uint8_t> kProvPw = hex_decode("AB0102030405060708090a0b0c0d0e0f");

ServiceInstanceConfig raf_instance(AuthMode auth, const char* sii = kSii) {
  ServiceInstanceConfig c;
  c.sii = sii;
  c.host = "127.0.0.1";
  c.port = 0;
  c.responder_id = "jsle-bridge";
  c.responder_password = kProvPw;
  c.auth = auth;
  c.users = {{"mertens", kUserPw, std::nullopt}};
  c.buffer_size = 20;
  c.latency_limit_ms = 50;
  return c;
}

UserConfig user_for(const SleProvider& p, AuthMode auth, int version, const char* sii = kSii) {
  UserConfig u;
  u.port = p.port(sii);
  u.initiator_id = "mertens";
  u.password = kUserPw;
  u.responder_id = "jsle-bridge";
  u.responder_password = kProvPw;
  u.sii = sii;
  u.version = version;
  u.auth = auth;
  u.return_timeout_ms = 3000;
  return u;
}

framing::Frame make_frame(uint32_t i, uint8_t vcid = 0) {
  framing::Frame f;
  f.data.assign(1115, 0);
  for (size_t k = 0; k < f.data.size(); ++k) f.data[k] = static_cast<uint8_t>(k * 7 + i);
  f.data[0] = static_cast<uint8_t>(i >> 24);
  f.data[1] = static_cast<uint8_t>(i >> 16);
  f.data[2] = static_cast<uint8_t>(i >> 8);
  f.data[3] = static_cast<uint8_t>(i);
  f.quality = framing::FrameQuality::good;
  f.gvcid = {0, 0xab, vcid};
  f.sequence = i;
  return f;
}
uint32_t frame_index(const std::vector<uint8_t>& d) {
  return (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3];
}

/// A raw TCP client for protocol-violation tests.
using RawClient = test::RawTmlClient;

}  // namespace

class AuthVersion : public ::testing::TestWithParam<std::tuple<AuthMode, int>> {};

TEST_P(AuthVersion, BindStartFramesStopUnbind) {
  const auto [auth, version] = GetParam();
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(auth));
  SleProvider provider(pc);
  provider.start();
  SleUser user(user_for(provider, auth, version));
  std::vector<uint32_t> got;
  std::mutex mu;
  bool pico_ok = true;
  user.on_frame([&](const AnnotatedFrame& f) {
    std::lock_guard<std::mutex> lk(mu);
    got.push_back(frame_index(f.data));
    pico_ok = pico_ok && (f.ert.pico == (version >= 3));
    EXPECT_EQ(f.data, make_frame(frame_index(f.data)).data);
    EXPECT_EQ(std::string(f.antenna.begin(), f.antenna.end()), "groundlink");
    EXPECT_EQ(f.credentials.empty(), auth != AuthMode::all);
  });
  const BindReturn b = user.bind();
  ASSERT_TRUE(b.positive) << b.value;
  EXPECT_EQ(b.value, version);
  EXPECT_EQ(b.credentials.empty(), auth == AuthMode::none);
  EXPECT_TRUE(provider.stats(kSii).bound);
  ASSERT_TRUE(user.start(RequestedFrameQuality::all).result.positive);
  // 50 frames: two full buffers of 20 plus 10 sent when the 50 ms latency limit expires.
  for (uint32_t i = 0; i < 50; ++i) provider.deliver(make_frame(i));
  ASSERT_TRUE(user.wait_frames(50, 3s));
  {
    std::lock_guard<std::mutex> lk(mu);
    ASSERT_EQ(got.size(), 50u);
    for (uint32_t i = 0; i < 50; ++i) EXPECT_EQ(got[i], i);
    EXPECT_TRUE(pico_ok);
  }
  EXPECT_EQ(user.stats().buffers, 3u);
  const auto bs = user.get_parameter(param::kBufferSize);
  ASSERT_TRUE(bs.result.positive);
  EXPECT_EQ(bs.parameter.value, 20);
  ASSERT_TRUE(user.stop().result.positive);
  EXPECT_TRUE(user.unbind().credentials.empty() == (auth != AuthMode::all));
  EXPECT_EQ(user.wait_closed(2s), -1);
  const auto st = provider.stats(kSii);
  EXPECT_FALSE(st.bound);
  EXPECT_EQ(st.frames_delivered, 50u);
  EXPECT_EQ(st.aborts, 0u);
  provider.stop();
}

INSTANTIATE_TEST_SUITE_P(Sle, AuthVersion,
                         ::testing::Combine(::testing::Values(AuthMode::none, AuthMode::bind, AuthMode::all),
                                            ::testing::Values(2, 3, 4, 5)));

TEST(Provider, BindRejections) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::bind));
  pc.instances.back().versions = {2, 3, 4};
  SleProvider provider(pc);
  provider.start();
  {
    auto cfg = user_for(provider, AuthMode::bind, 4);
    cfg.password = hex_decode("000102030405060708090a0b0c0d0e0e");
    SleUser u(cfg);
    const BindReturn r = u.bind();
    EXPECT_FALSE(r.positive);
    EXPECT_EQ(r.value, static_cast<int>(BindDiagnostic::access_denied));
    EXPECT_EQ(u.wait_closed(2s), -1);  // provider closes after the negative return
  }
  {
    SleUser u(user_for(provider, AuthMode::bind, 5));
    const BindReturn r = u.bind();
    EXPECT_FALSE(r.positive);
    EXPECT_EQ(r.value, static_cast<int>(BindDiagnostic::version_not_supported));
  }
  {
    auto cfg = user_for(provider, AuthMode::bind, 4);
    cfg.sii = kSii2;
    SleUser u(cfg);
    EXPECT_EQ(u.bind().value, static_cast<int>(BindDiagnostic::no_such_service_instance));
  }
  {
    auto cfg = user_for(provider, AuthMode::bind, 4);
    cfg.initiator_id = "intruder";
    SleUser u(cfg);
    EXPECT_EQ(u.bind().value, static_cast<int>(BindDiagnostic::si_not_accessible_to_this_initiator));
  }
  {
    auto cfg = user_for(provider, AuthMode::bind, 4);
    cfg.auth = AuthMode::none;  // no credentials at all
    SleUser u(cfg);
    EXPECT_EQ(u.bind().value, static_cast<int>(BindDiagnostic::access_denied));
  }
  {
    SleUser first(user_for(provider, AuthMode::bind, 4));
    ASSERT_TRUE(first.bind().positive);
    SleUser second(user_for(provider, AuthMode::bind, 4));
    EXPECT_EQ(second.bind().value, static_cast<int>(BindDiagnostic::already_bound));
    EXPECT_TRUE(first.unbind().credentials.empty());
  }
  EXPECT_EQ(provider.stats(kSii).associations, 1u);
  provider.stop();
}

// A peer sending garbage is aborted (PEER-ABORT urgent octet) while another user keeps receiving.
TEST(Provider, MalformedPduAbortsOnlyThatAssociation) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none, kSii));
  pc.instances.push_back(raf_instance(AuthMode::none, kSii2));  // same (ephemeral) port
  SleProvider provider(pc);
  provider.start();
  ASSERT_EQ(provider.port(kSii), provider.port(kSii2));
  SleUser good(user_for(provider, AuthMode::none, 4));
  ASSERT_TRUE(good.bind().positive);
  ASSERT_TRUE(good.start().result.positive);

  struct Case {
    std::vector<uint8_t> bytes;
    uint8_t diag;
  };
  std::vector<Case> cases;
  const auto ctx = tml_encode_context({1, 30, 3});
  auto with_ctx = [&](std::vector<uint8_t> tail) {
    std::vector<uint8_t> m = ctx;
    m.insert(m.end(), tail.begin(), tail.end());
    return m;
  };
  // Undecodable BER inside a valid TML message -> encodingError.
  cases.push_back({with_ctx({0x01, 0, 0, 0, 0, 0, 0, 5, 0xbf, 0x64, 0x7f, 0x00, 0x00}), 5});
  // Bad TML header type -> protocolError.
  cases.push_back({with_ctx({0x07, 0, 0, 0, 0, 0, 0, 0}), 3});
  // PDU before the context message -> protocolError.
  cases.push_back({{0x01, 0, 0, 0, 0, 0, 0, 8, 0xbf, 0x66, 0x05, 0x80, 0x00, 0x02, 0x01, 0x00}, 3});
  // START before BIND -> protocolError.
  cases.push_back({with_ctx({0x01, 0, 0, 0, 0, 0, 0, 14, 0xa0, 0x0c, 0x80, 0x00, 0x02, 0x01, 0x01, 0x80, 0x00, 0x80,
                             0x00, 0x02, 0x01, 0x00}),
                   3});
  // Oversized PDU length -> protocolError.
  cases.push_back({with_ctx({0x01, 0, 0, 0, 0x7f, 0, 0, 0}), 3});
  uint32_t next = 0;
  for (const auto& c : cases) {
    RawClient raw(provider.port(kSii2));
    raw.send(c.bytes);
    for (int i = 0; i < 30; ++i) provider.deliver(make_frame(next++));
    const auto rx = raw.read_to_end();
    ASSERT_EQ(rx.size(), 1u) << "expected only the urgent PEER-ABORT octet";
    EXPECT_EQ(rx[0], c.diag);
  }
  ASSERT_TRUE(good.wait_frames(next, 3s));
  EXPECT_TRUE(good.connected());
  EXPECT_TRUE(good.stop().result.positive);
  good.unbind();
  provider.stop();
}

TEST(Provider, UserPeerAbortIsSeenByTheProvider) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  SleProvider provider(pc);
  provider.start();
  {
    SleUser u(user_for(provider, AuthMode::none, 5));
    ASSERT_TRUE(u.bind().positive);
    u.peer_abort(PeerAbortDiagnostic::other_reason);
    u.wait_closed(2s);
  }
  for (int i = 0; i < 200 && provider.stats(kSii).bound; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(provider.stats(kSii).bound);
  EXPECT_EQ(provider.stats(kSii).aborts, 1u);
  // The instance can be bound again.
  SleUser again(user_for(provider, AuthMode::none, 5));
  EXPECT_TRUE(again.bind().positive);
  provider.stop();
}

TEST(Provider, ProviderStopAbortsUsers) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  SleProvider provider(pc);
  provider.start();
  SleUser u(user_for(provider, AuthMode::none, 5));
  ASSERT_TRUE(u.bind().positive);
  provider.stop();
  EXPECT_EQ(u.wait_closed(3s), static_cast<int>(PeerAbortDiagnostic::end_of_service_provision_period));
}

TEST(Provider, GetParameterAndStatusReports) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::all));
  pc.instances.back().permitted_quality = {0, 2};
  SleProvider provider(pc);
  provider.start();
  provider.set_link_status({0, 0, 2, 0, 0});
  SleUser u(user_for(provider, AuthMode::all, 5));
  ASSERT_TRUE(u.bind().positive);
  EXPECT_EQ(u.get_parameter(param::kDeliveryMode).parameter.value, 0);
  EXPECT_EQ(u.get_parameter(param::kLatencyLimit).parameter.value, 1);  // 50 ms -> 1 s
  EXPECT_EQ(u.get_parameter(param::kReturnTimeoutPeriod).parameter.value, 180);
  EXPECT_EQ(u.get_parameter(param::kMinReportingCycle).parameter.value, 2);
  EXPECT_TRUE(u.get_parameter(param::kReportingCycle).parameter.absent);
  EXPECT_EQ(u.get_parameter(param::kPermittedFrameQuality).parameter.quality_set, (std::vector<int64_t>{0, 2}));
  const auto unknown = u.get_parameter(9999);
  EXPECT_FALSE(unknown.result.positive);
  EXPECT_TRUE(unknown.result.specific);
  // Erred-only is not permitted here -> unableToComply.
  const auto neg = u.start(RequestedFrameQuality::erred_only);
  EXPECT_FALSE(neg.result.positive);
  EXPECT_EQ(neg.result.code, 1);
  ASSERT_TRUE(u.start(RequestedFrameQuality::good_only).result.positive);
  EXPECT_EQ(u.get_parameter(param::kRequestedFrameQuality).parameter.value, 0);
  // good-only: the erred frames are filtered out.
  for (uint32_t i = 0; i < 10; ++i) {
    auto f = make_frame(i);
    if (i % 2) f.quality = framing::FrameQuality::erred;
    provider.deliver(f);
  }
  ASSERT_TRUE(u.wait_frames(5, 2s));
  using K = ScheduleStatusReportInvocation::Kind;
  EXPECT_FALSE(u.schedule_status_report(K::periodically, 1).result.positive);  // below the minimum
  EXPECT_EQ(u.schedule_status_report(K::stop).result.code, 1);                  // alreadyStopped
  ASSERT_TRUE(u.schedule_status_report(K::immediately).result.positive);
  for (int i = 0; i < 200 && !u.last_status_report(); ++i) std::this_thread::sleep_for(5ms);
  const auto sr = u.last_status_report();
  ASSERT_TRUE(sr.has_value());
  EXPECT_EQ(sr->delivered_frames, 5);
  EXPECT_EQ(sr->error_free_frames, 5);
  EXPECT_EQ(sr->frame_sync, 0);
  EXPECT_EQ(sr->subcarrier, 2);
  EXPECT_FALSE(sr->credentials.empty());
  EXPECT_EQ(u.stats().frames, 5u);
  ASSERT_TRUE(u.stop().result.positive);
  u.unbind();
  provider.stop();
}

// Timely mode: a user that stops reading loses the oldest buffers (memory stays bounded) and is
// told so with an excessive-data-backlog notification.
TEST(Provider, TimelyModeDiscardsOldestForASlowUser) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  pc.instances.back().buffer_size = 10;
  pc.instances.back().max_backlog_buffers = 4;
  SleProvider provider(pc);
  provider.start();
  SleUser u(user_for(provider, AuthMode::none, 5));
  std::atomic<bool> release{false};
  u.on_frame([&](const AnnotatedFrame&) {
    while (!release) std::this_thread::sleep_for(1ms);
  });
  ASSERT_TRUE(u.bind().positive);
  ASSERT_TRUE(u.start().result.positive);
  uint32_t sent = 0;
  while (provider.stats(kSii).frames_discarded == 0 && sent < 400000) provider.deliver(make_frame(sent++));
  ASSERT_GT(provider.stats(kSii).frames_discarded, 0u);
  for (int i = 0; i < 20; ++i) provider.deliver(make_frame(sent++));
  release = true;
  ASSERT_TRUE(u.stop().result.positive);
  const auto st = provider.stats(kSii);
  EXPECT_EQ(st.frames_delivered, sent);
  EXPECT_EQ(u.stats().frames + st.frames_discarded, sent);
  EXPECT_GE(u.stats().backlog_notifications, 1u);
  u.unbind();
  provider.stop();
}

// Complete mode: the producer is held back instead; nothing is lost.
TEST(Provider, CompleteModeLosesNothing) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  pc.instances.back().delivery = DeliveryMode::complete_online;
  pc.instances.back().buffer_size = 10;
  pc.instances.back().max_backlog_buffers = 2;
  SleProvider provider(pc);
  provider.start();
  SleUser u(user_for(provider, AuthMode::none, 5));
  std::atomic<int> seen{0};
  uint32_t expect = 0;
  bool ordered = true;
  u.on_frame([&](const AnnotatedFrame& f) {
    if (seen++ < 200) std::this_thread::sleep_for(100us);
    ordered = ordered && frame_index(f.data) == expect++;
  });
  ASSERT_TRUE(u.bind().positive);
  ASSERT_TRUE(u.start().result.positive);
  EXPECT_EQ(u.get_parameter(param::kDeliveryMode).parameter.value, 1);
  const uint32_t n = 5000;
  for (uint32_t i = 0; i < n; ++i) provider.deliver(make_frame(i));
  ASSERT_TRUE(u.wait_frames(n, 5s));
  EXPECT_TRUE(ordered);
  EXPECT_EQ(provider.stats(kSii).frames_discarded, 0u);
  u.stop();
  u.unbind();
  provider.stop();
}

TEST(Provider, RcfDeliversOnlyTheSelectedVirtualChannel) {
  ProviderConfig pc;
  auto rcf = raf_instance(AuthMode::none, kRcfSii);
  rcf.service = ServiceType::rtn_ch_frames;
  rcf.responder_port = "RCF_PORT";
  rcf.permitted_gvcids = {{0xab, 0, false, 1}, {0xab, 0, true, 0}};
  pc.instances.push_back(rcf);
  SleProvider provider(pc);
  provider.start();
  auto cfg = user_for(provider, AuthMode::none, 4, kRcfSii);
  cfg.service = ServiceType::rtn_ch_frames;
  cfg.responder_port = "RCF_PORT";
  SleUser u(cfg);
  std::vector<uint32_t> got;
  u.on_frame([&](const AnnotatedFrame& f) { got.push_back(frame_index(f.data)); });
  ASSERT_TRUE(u.bind().positive);
  const auto bad = u.start_rcf({0xab, 0, false, 2});
  EXPECT_FALSE(bad.result.positive);
  EXPECT_EQ(bad.result.code, 5);  // invalidGvcId
  ASSERT_TRUE(u.start_rcf({0xab, 0, false, 1}).result.positive);
  const auto req = u.get_parameter(param::kRequestedGvcid);
  ASSERT_TRUE(req.result.positive);
  EXPECT_EQ(req.parameter.gvcid_set.at(0), (RequestedGvcid{0xab, 0, false, 1}));
  const auto perm = u.get_parameter(param::kPermittedGvcidSet);
  EXPECT_EQ(perm.parameter.gvcid_set.size(), 2u);
  for (uint32_t i = 0; i < 30; ++i) provider.deliver(make_frame(i, static_cast<uint8_t>(i % 3)));
  ASSERT_TRUE(u.wait_frames(10, 2s));
  u.stop();
  ASSERT_EQ(got.size(), 10u);
  for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], 3 * k + 1);
  u.unbind();
  provider.stop();
}

namespace {
class VectorStore : public FrameStore {
 public:
  std::vector<std::pair<SleTime, framing::Frame>> frames;
  void query(const SleTime& from, const SleTime& to,
             const std::function<bool(const framing::Frame&, const SleTime&)>& sink) override {
    for (const auto& [t, f] : frames)
      if (t.ns >= from.ns && t.ns <= to.ns && !sink(f, t)) return;
  }
};
}  // namespace

TEST(Provider, OfflineDeliveryFromTheStore) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  pc.instances.back().delivery = DeliveryMode::offline;
  SleProvider provider(pc);
  auto store = std::make_shared<VectorStore>();
  const int64_t t0 = 1'790'000'000'000'000'000LL;  // 2026-09
  for (uint32_t i = 0; i < 100; ++i) store->frames.push_back({SleTime::from_ns(t0 + i * 1'000'000'000LL), make_frame(i)});
  provider.set_frame_store(store);
  provider.start();
  SleUser u(user_for(provider, AuthMode::none, 5));
  std::vector<uint32_t> got;
  std::vector<int64_t> erts;
  u.on_frame([&](const AnnotatedFrame& f) {
    got.push_back(frame_index(f.data));
    erts.push_back(f.ert.ns);
  });
  ASSERT_TRUE(u.bind().positive);
  // Offline delivery has no status reports (notSupportedInThisDeliveryMode).
  EXPECT_EQ(u.schedule_status_report(ScheduleStatusReportInvocation::Kind::immediately).result.code, 0);
  EXPECT_EQ(u.get_parameter(param::kDeliveryMode).parameter.value, 2);
  EXPECT_TRUE(u.get_parameter(param::kLatencyLimit).parameter.absent);  // offline: the NULL branch
  EXPECT_FALSE(u.start().result.positive);  // missing times
  ASSERT_TRUE(u.start(RequestedFrameQuality::all, SleTime::from_ns(t0 + 10'000'000'000LL),
                      SleTime::from_ns(t0 + 59'000'000'000LL))
                  .result.positive);
  for (int i = 0; i < 400 && u.stats().end_of_data == 0; ++i) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(u.stats().end_of_data, 1u);
  ASSERT_EQ(got.size(), 50u);
  for (size_t k = 0; k < got.size(); ++k) {
    EXPECT_EQ(got[k], 10 + k);
    EXPECT_EQ(erts[k], t0 + static_cast<int64_t>(10 + k) * 1'000'000'000LL);
  }
  u.stop();
  u.unbind();
  provider.stop();
}

TEST(Provider, DeadFactorClosesASilentPeer) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  pc.instances.back().tml.min_heartbeat_s = 1;
  SleProvider provider(pc);
  provider.start();
  RawClient raw(provider.port(kSii));
  raw.send(tml_encode_context({1, 1, 2}));  // heartbeat 1 s, dead factor 2
  const auto t0 = std::chrono::steady_clock::now();
  const auto rx = raw.read_to_end();  // provider heartbeats, then closes after 2 s of silence
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(s, 1.9);
  EXPECT_LT(s, 4.0);
  std::vector<uint8_t> rest;
  const auto msgs = tml_split(rx.data(), rx.size(), &rest);
  EXPECT_GE(msgs.size(), 1u);
  for (const auto& m : msgs) EXPECT_EQ(m.type, TmlType::heartbeat);
  EXPECT_TRUE(rest.empty());
  provider.stop();
}

TEST(Provider, RejectsOutOfRangeHeartbeat) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  pc.instances.back().tml.max_heartbeat_s = 600;
  SleProvider provider(pc);
  provider.start();
  RawClient raw(provider.port(kSii));
  raw.send(tml_encode_context({1, 3000, 3}));
  const auto rx = raw.read_to_end();
  ASSERT_EQ(rx.size(), 1u);
  EXPECT_EQ(rx[0], 3);
  provider.stop();
}

// Replays what third-party users (yamcs/jsle and dariol83 ccsds) sent, byte for byte, against our
// provider and checks that every operation gets the positive return it got from their providers.
TEST(Provider, AnswersCapturedThirdPartyUsers) {
  struct Capture {
    const char* file;
    AuthMode auth;
  };
  for (const Capture& cap : {Capture{"raf_exchange_jsle_authNONE_v4", AuthMode::none},
                             Capture{"raf_exchange_dariol83_authNONE_v2", AuthMode::none},
                             Capture{"raf_exchange_jsle_authALL_sha1_v4", AuthMode::all},
                             Capture{"raf_exchange_dariol83_authALL_sha1_v5", AuthMode::all},
                             Capture{"raf_exchange_dariol83_authALL_sha256_v5", AuthMode::all}}) {
    SCOPED_TRACE(cap.file);
    ProviderConfig pc;
    auto inst = raf_instance(cap.auth);
    inst.responder_port = "RAF_PORT";
    inst.min_reporting_cycle_s = 1;
    inst.max_credential_age_s = 0;  // recorded credentials are days old
    pc.instances.push_back(inst);
    SleProvider provider(pc);
    provider.start();
    std::ifstream f(test::data_path(std::string("sle-captures/") + cap.file + ".tml.txt"));
    ASSERT_TRUE(f);
    std::string line;
    std::vector<std::vector<uint8_t>> u2p;
    while (std::getline(f, line)) {
      if (line.rfind("u2p ", 0) != 0) continue;
      std::string hex;
      std::getline(f, hex);
      u2p.push_back(test::parse_hex(hex));
    }
    RawClient raw(provider.port(kSii));
    int version = 0, answered = 0;
    for (const auto& m : u2p) {
      raw.send(m);
      if (m[0] != 1) continue;  // context message: no answer
      const Pdu inv = decode_pdu(m.data() + 8, m.size() - 8, ServiceType::rtn_all_frames);
      if (auto* b = std::get_if<BindInvocation>(&inv)) version = b->version;
      Pdu ret;
      do {
        const auto body = raw.read_pdu();
        ret = decode_pdu(body.data(), body.size(), ServiceType::rtn_all_frames);
      } while (std::holds_alternative<StatusReport>(ret) || std::holds_alternative<TransferBuffer>(ret));
      const std::string name = pdu_name(ret);
      SCOPED_TRACE(name);
      ++answered;
      std::visit(
          [&](const auto& r) {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, BindReturn>) {
              EXPECT_TRUE(r.positive);
              EXPECT_EQ(r.value, version);
            } else if constexpr (std::is_same_v<T, StartReturn> || std::is_same_v<T, StopReturn> ||
                                 std::is_same_v<T, ScheduleStatusReportReturn> || std::is_same_v<T, GetParameterReturn>) {
              EXPECT_TRUE(r.result.positive);
            } else if constexpr (!std::is_same_v<T, UnbindReturn>) {
              ADD_FAILURE() << "unexpected " << name;
            }
            if constexpr (!std::is_same_v<T, TransferBuffer> && !std::is_same_v<T, PeerAbortPdu>) {
              if (cap.auth != AuthMode::none) {
                // Our credentials check with the responder password (as the third-party user would).
                EXPECT_EQ(check_credentials(r.credentials, "jsle-bridge", kProvPw, version, SleTime::now(), 180),
                          CredentialStatus::ok);
              }
            }
          },
          ret);
    }
    EXPECT_GE(answered, 4);  // BIND, START, STOP, UNBIND at least
    EXPECT_EQ(provider.stats(kSii).associations, 1u);
    provider.stop();
  }
}

TEST(Config, ValidationNamesTheField) {
  ServiceInstanceConfig c = raf_instance(AuthMode::none);
  c.buffer_size = 0;
  try {
    c.validate();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("buffer_size"), std::string::npos);
  }
  c = raf_instance(AuthMode::bind);
  c.users.clear();
  EXPECT_THROW(c.validate(), std::invalid_argument);
  c = raf_instance(AuthMode::none);
  c.sii = "sagr=1.bogus=2";
  EXPECT_THROW(c.validate(), std::invalid_argument);
  c = raf_instance(AuthMode::none);
  c.versions = {6};
  EXPECT_THROW(c.validate(), std::invalid_argument);
}

namespace {
const char* kCltuSii = "sagr=SAGR.spack=SPACK.fsl-fg=FSL-FG.cltu=cltu1";
ServiceInstanceConfig cltu_instance(AuthMode auth) {
  auto c = raf_instance(auth, kCltuSii);
  c.service = ServiceType::fwd_cltu;
  c.responder_port = "CLTU_PORT";
  return c;
}
}  // namespace

TEST(Provider, CltuTransferDataToTheSink) {
  ProviderConfig pc;
  pc.instances.push_back(cltu_instance(AuthMode::all));
  SleProvider provider(pc);
  std::vector<std::pair<int64_t, std::vector<uint8_t>>> radiated;
  std::mutex mu;
  provider.set_cltu_sink([&](const SleProvider::CltuRequest& r) {
    std::lock_guard<std::mutex> lk(mu);
    radiated.emplace_back(r.cltu_id, *r.cltu);
    return true;
  });
  provider.start();
  auto cfg = user_for(provider, AuthMode::all, 4, kCltuSii);
  cfg.service = ServiceType::fwd_cltu;
  cfg.responder_port = "CLTU_PORT";
  SleUser u(cfg);
  ASSERT_TRUE(u.bind().positive);
  const auto st = u.start_cltu(7);
  ASSERT_TRUE(st.result.positive);
  EXPECT_TRUE(st.start_radiation.pico);
  const std::vector<uint8_t> frame = {0x20, 0x62, 0x04, 0x29, 0x00, 1, 2, 3, 4, 5};
  const auto cltu = cltu_encode(frame.data(), frame.size());
  const auto r1 = u.transfer_cltu(7, cltu);
  ASSERT_TRUE(r1.result.positive);
  EXPECT_EQ(r1.expected_cltu_id, 8);
  const auto gap = u.transfer_cltu(9, cltu);  // out of sequence
  EXPECT_FALSE(gap.result.positive);
  EXPECT_EQ(gap.result.code, 2);
  auto broken = cltu;
  broken[3] ^= 0x18;  // two bit errors in the first code block
  const auto bad = u.transfer_cltu(8, broken);
  EXPECT_FALSE(bad.result.positive);
  EXPECT_EQ(bad.result.code, 7);  // cltuError
  ASSERT_TRUE(u.transfer_cltu(8, cltu, false).result.positive);
  EXPECT_EQ(u.get_parameter(param::kExpectedSlduId).parameter.value, 9);
  EXPECT_EQ(u.get_parameter(param::kBitLockRequired).parameter.value, 1);
  EXPECT_EQ(u.get_parameter(param::kMaximumSlduLength).parameter.value, 4096);
  EXPECT_TRUE(u.throw_event(0, 5, {1, 2}).result.positive);
  EXPECT_EQ(u.throw_event(5, 5, {}).result.code, 1);  // eventInvocIdOutOfSequence
  ASSERT_TRUE(u.schedule_status_report(ScheduleStatusReportInvocation::Kind::immediately).result.positive);
  ASSERT_TRUE(u.stop().result.positive);
  u.unbind();
  EXPECT_EQ(u.stats().async_notifies, 1u);  // only the first CLTU asked for a notification
  EXPECT_EQ(u.stats().status_reports, 1u);
  {
    std::lock_guard<std::mutex> lk(mu);
    ASSERT_EQ(radiated.size(), 2u);
    EXPECT_EQ(radiated[0].first, 7);
    EXPECT_EQ(radiated[1].second, cltu);
  }
  EXPECT_EQ(provider.stats(kCltuSii).cltus_received, 4u);
  EXPECT_EQ(provider.stats(kCltuSii).cltus_accepted, 2u);
  provider.stop();
}

// The captured jsle and dariol83 CLTU users, replayed byte for byte, get positive returns.
TEST(Provider, AnswersCapturedCltuUsers) {
  for (const auto& [file, auth] : {std::pair<const char*, AuthMode>{"fcltu_exchange_jsle_authALL_sha1_v4", AuthMode::all},
                                   std::pair<const char*, AuthMode>{"fcltu_exchange_dariol83_authNONE_v4", AuthMode::none}}) {
    SCOPED_TRACE(file);
    ProviderConfig pc;
    auto inst = cltu_instance(auth);
    inst.max_credential_age_s = 0;
    inst.check_bch = false;  // the recorded test CLTUs carry 0x55 where the BCH parity belongs
    pc.instances.push_back(inst);
    SleProvider provider(pc);
    provider.start();
    std::ifstream f(test::data_path(std::string("sle-captures/") + file + ".tml.txt"));
    std::string line;
    std::vector<std::vector<uint8_t>> u2p;
    while (std::getline(f, line)) {
      if (line.rfind("u2p ", 0) != 0) continue;
      std::string hex;
      std::getline(f, hex);
      u2p.push_back(test::parse_hex(hex));
    }
    RawClient raw(provider.port(kCltuSii));
    int answered = 0;
    for (const auto& m : u2p) {
      raw.send(m);
      if (m[0] != 1) continue;
      Pdu ret;
      do {
        const auto body = raw.read_pdu();
        ret = decode_pdu(body.data(), body.size(), ServiceType::fwd_cltu);
      } while (std::holds_alternative<CltuAsyncNotify>(ret) || std::holds_alternative<CltuStatusReport>(ret));
      ++answered;
      SCOPED_TRACE(pdu_name(ret));
      std::visit(
          [&](const auto& r) {
            using T = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<T, BindReturn>) {
              EXPECT_TRUE(r.positive);
            } else if constexpr (std::is_same_v<T, StartReturn> || std::is_same_v<T, StopReturn> ||
                                 std::is_same_v<T, CltuTransferDataReturn> || std::is_same_v<T, ThrowEventReturn> ||
                                 std::is_same_v<T, GetParameterReturn>) {
              EXPECT_TRUE(r.result.positive);
            } else if constexpr (!std::is_same_v<T, UnbindReturn>) {
              ADD_FAILURE() << "unexpected";
            }
          },
          ret);
    }
    EXPECT_EQ(answered, 8);
    EXPECT_EQ(provider.stats(kCltuSii).cltus_accepted, 2u);
    provider.stop();
  }
}

TEST(Config, YamlProviderAndUser) {
  const auto node = YAML::Load(R"(
io_threads: 2
instances:
  - sii: "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt1"
    host: 127.0.0.1
    port: 0
    responder_id: jsle-bridge
    responder_password: "AB0102030405060708090a0b0c0d0e0f"
    auth: bind
    users: [{id: mertens, password: "000102030405060708090a0b0c0d0e0f"}]
    versions: [4, 5]
    delivery: complete
    buffer_size: 5
  - sii: "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.rcf=onlc1"
    service: rcf
    host: 127.0.0.1
    permitted_gvcids: [{scid: 171, tfvn: 0, vcid: 1}, {scid: 171, master_channel: true}]
)");
  const ProviderConfig pc = provider_config_from_yaml(node);
  ASSERT_EQ(pc.instances.size(), 2u);
  EXPECT_EQ(pc.io_threads, 2);
  EXPECT_EQ(pc.instances[0].auth, AuthMode::bind);
  EXPECT_EQ(pc.instances[0].users.at(0).password, kUserPw);
  EXPECT_EQ(pc.instances[0].delivery, DeliveryMode::complete_online);
  EXPECT_EQ(pc.instances[1].responder_port, "RCF_PORT");
  EXPECT_EQ(pc.instances[1].permitted_gvcids.size(), 2u);
  EXPECT_TRUE(pc.instances[1].permitted_gvcids[1].master_channel);
  SleProvider provider(pc);
  provider.start();
  YAML::Node un = YAML::Load(R"(
initiator_id: mertens
password: "000102030405060708090a0b0c0d0e0f"
responder_id: jsle-bridge
responder_password: "AB0102030405060708090a0b0c0d0e0f"
sii: "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt1"
version: 4
auth: bind
)");
  un["port"] = provider.port(kSii);
  SleUser u(user_config_from_yaml(un));
  EXPECT_TRUE(u.bind().positive);
  u.unbind();
  provider.stop();

  for (const char* badyaml : {"instances: []", "instances: [{sii: 'sagr=1.raf=x', auth: maybe}]",
                              "instances: [{sii: 'sagr=1.raf=x', delivery: fast}]",
                              "instances: [{sii: 'sagr=1.raf=x', buffer_size: 0}]",
                              "instances: [{sii: 'sagr=1.raf=x', responder_password: 'xyz'}]"}) {
    try {
      provider_config_from_yaml(YAML::Load(badyaml));
      ADD_FAILURE() << badyaml;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("instances"), std::string::npos) << e.what();
    }
  }
}

namespace {
// Sets a frame's Earth-receive time whichever form framing::Frame has.
template <class F>
auto set_ert(F& f, int64_t seconds, int64_t ps, int) -> decltype(f.ert.seconds, void()) {
  f.ert.seconds = seconds;
  f.ert.picoseconds = ps;
}
template <class F>
void set_ert(F& f, int64_t seconds, int64_t ps, long) {
  f.ert_ps = seconds * 1000000000000LL + ps;  // the 64-bit form only reaches 1970-04-17
}
}  // namespace

TEST(Provider, FrameEarthReceiveTimeIsDelivered) {
  ProviderConfig pc;
  pc.instances.push_back(raf_instance(AuthMode::none));
  SleProvider provider(pc);
  provider.start();
  SleUser u(user_for(provider, AuthMode::none, 5));
  std::vector<SleTime> erts;
  std::mutex mu;
  u.on_frame([&](const AnnotatedFrame& f) {
    std::lock_guard<std::mutex> lk(mu);
    erts.push_back(f.ert);
  });
  ASSERT_TRUE(u.bind().positive);
  ASSERT_TRUE(u.start().result.positive);
  auto f = make_frame(1);
  set_ert(f, 8'000'000, 123'456'789'012LL, 0);  // 1970-04-03 + 0.123456789012 s
  provider.deliver(f);
  ASSERT_TRUE(u.wait_frames(1, 2s));
  std::lock_guard<std::mutex> lk(mu);
  EXPECT_EQ(erts.at(0).ns, 8'000'000LL * 1'000'000'000LL + 123'456'789LL);
  EXPECT_EQ(erts.at(0).ps, 12);
  EXPECT_TRUE(erts.at(0).pico);
}
