// Protocol coverage against the standards' ASN.1 and real peers' captures, over real loopback
// sockets: GET-PARAMETER for every RAF (911.1-B) and RCF (911.2-B) parameter in every SLE
// version, the renumbered CLTU GET-PARAMETER choices (912.1-B v1..v3 / v4 / v5),
// SCHEDULE-STATUS-REPORT immediately / periodically / stop, SYNC-NOTIFY (loss of frame sync,
// production status change, end of data), stale ISP1 credentials and per-peer hash selection.
#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "sle/config_yaml.h"
#include "sle/credentials.h"
#include "sle/provider.h"
#include "sle/tml.h"
#include "sle/user.h"

using namespace groundlink;
using namespace groundlink::sle;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

const char* kRaf = "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt1";
const char* kRcf = "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.rcf=onlc1";
const std::vector<uint8_t> kUserPw = hex_decode("000102030405060708090a0b0c0d0e0f");
const std::vector<uint8_t> kProvPw = hex_decode("AB0102030405060708090a0b0c0d0e0f");

ServiceInstanceConfig instance(ServiceType t, AuthMode auth = AuthMode::none) {
  ServiceInstanceConfig c;
  c.sii = t == ServiceType::rtn_ch_frames ? kRcf : kRaf;
  c.service = t;
  c.responder_port = t == ServiceType::rtn_ch_frames ? "RCF_PORT" : "RAF_PORT";
  c.host = "127.0.0.1";
  c.responder_id = "jsle-bridge";
  c.responder_password = kProvPw;
  c.auth = auth;
  c.users = {{"mertens", kUserPw, std::nullopt}};
  c.versions = {1, 2, 3, 4, 5};
  c.latency_limit_ms = 20;
  c.min_reporting_cycle_s = 1;
  c.permitted_gvcids = {{0xab, 0, false, 1}, {0xab, 0, false, 2}, {0x12, 1, true, 0}};
  return c;
}

UserConfig user(const SleProvider& p, ServiceType t, int version, AuthMode auth = AuthMode::none) {
  UserConfig u;
  u.sii = t == ServiceType::rtn_ch_frames ? kRcf : kRaf;
  u.port = p.port(u.sii);
  u.service = t;
  u.responder_port = t == ServiceType::rtn_ch_frames ? "RCF_PORT" : "RAF_PORT";
  u.initiator_id = "mertens";
  u.password = kUserPw;
  u.responder_id = "jsle-bridge";
  u.responder_password = kProvPw;
  u.version = version;
  u.auth = auth;
  u.return_timeout_ms = 3000;
  return u;
}

framing::Frame frame(uint32_t i, uint8_t vcid = 1) {
  framing::Frame f;
  f.data.assign(1115, static_cast<uint8_t>(i));
  f.quality = framing::FrameQuality::good;
  f.gvcid = {0, 0xab, vcid};
  return f;
}

bool unknown(const GetParameterReturn& r) { return !r.result.positive && r.result.specific && r.result.code == 0; }

}  // namespace

// ---- codec: the CHOICE numbers of each version's GetParameter type (dariol83/ccsds and ESA SLE
// API ASN.1 modules: RafGetParameterV1toV4 / RafGetParameter, RcfGetParameterV1toV4 /
// RcfGetParameter, CltuGetParameterV1toV3 / CltuGetParameterV4 / CltuGetParameter).
TEST(GetParameterChoices, FollowEachVersionsAsn1) {
  using S = ServiceType;
  for (int v = 1; v <= 4; ++v) {
    EXPECT_EQ(parameter_choice(S::rtn_all_frames, v, param::kReturnTimeoutPeriod), 5);
    EXPECT_EQ(parameter_choice(S::rtn_all_frames, v, param::kPermittedFrameQuality), -1);
    EXPECT_EQ(parameter_choice(S::rtn_all_frames, v, param::kMinReportingCycle), -1);
    EXPECT_EQ(parameter_choice(S::rtn_ch_frames, v, param::kReturnTimeoutPeriod), 6);
    EXPECT_EQ(parameter_choice(S::rtn_ch_frames, v, param::kMinReportingCycle), -1);
  }
  EXPECT_EQ(parameter_choice(S::rtn_all_frames, 5, param::kPermittedFrameQuality), 6);
  EXPECT_EQ(parameter_choice(S::rtn_all_frames, 5, param::kMinReportingCycle), 7);
  EXPECT_EQ(parameter_choice(S::rtn_ch_frames, 5, param::kMinReportingCycle), 7);
  EXPECT_EQ(parameter_choice(S::rtn_all_frames, 5, param::kRequestedGvcid), -1);
  EXPECT_EQ(parameter_choice(S::rtn_ch_frames, 5, param::kRequestedFrameQuality), -1);
  // CLTU v1..v3: [0] bitLockRequired .. [11] rfAvailableRequired; v4 [0]..[18]; v5 adds [19].
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 3, param::kBitLockRequired), 0);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 2, param::kMaximumSlduLength), 5);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 1, param::kRfAvailableRequired), 11);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 3, param::kAcquisitionSequenceLength), -1);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 4, param::kBitLockRequired), 1);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 4, param::kMaximumSlduLength), 7);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 4, param::kSubcarrierToBitRateRatio), 18);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 4, param::kMinReportingCycle), -1);
  EXPECT_EQ(parameter_choice(S::fwd_cltu, 5, param::kMinReportingCycle), 19);
}

// dariol83's CLTU v4 provider answered bitLockRequired in choice [1] (CltuGetParameterV4): that
// decodes as v4 (and as "any version"), and is not a v1..v3 layout, where [1] is the CLTU id.
TEST(GetParameterChoices, CapturedCltuV4ReturnDecodesOnlyAsV4) {
  const auto pdu = hex_decode("a70f8000020101a008a106020103020100");
  const auto g = std::get<GetParameterReturn>(decode_pdu(pdu.data(), pdu.size(), ServiceType::fwd_cltu, 4));
  EXPECT_EQ(g.parameter.name, param::kBitLockRequired);
  EXPECT_EQ(g.parameter.value, 0);
  EXPECT_NO_THROW(decode_pdu(pdu.data(), pdu.size(), ServiceType::fwd_cltu, 0));
  EXPECT_THROW(decode_pdu(pdu.data(), pdu.size(), ServiceType::fwd_cltu, 3), BerError);
  // Our v4 encoding of the same value is byte-identical to theirs.
  EXPECT_EQ(encode_pdu(g, ServiceType::fwd_cltu, 4), pdu);
  // In v1..v3 the same parameter goes in [0].
  const auto v3 = encode_pdu(g, ServiceType::fwd_cltu, 3);
  EXPECT_EQ(v3[7], 0xa0);
  EXPECT_EQ(v3[9], 0xa0);
}

// RCF v5: RequestedGvcId ::= CHOICE { gvcid [0] GvcId, undefined [1] NULL } and GvcIdSet ::= SET OF;
// v1..v4: a plain GvcId and SEQUENCE OF (911.2-B-3 annex vs RcfGetParameterV1toV4).
TEST(GetParameterChoices, RcfGvcidEncodingsPerVersion) {
  GetParameterReturn g;
  g.invoke_id = 1;
  g.parameter.name = param::kRequestedGvcid;
  g.parameter.absent = true;
  // a7 L, credentials unused 80 00, invokeId 02 01 01, positive [0] { [5] { name 28, undefined [1] } }
  EXPECT_EQ(encode_pdu(g, ServiceType::rtn_ch_frames, 5), hex_decode("a70e8000020101a007a50502011c8100"));
  EXPECT_THROW(encode_pdu(g, ServiceType::rtn_ch_frames, 4), std::invalid_argument);
  g.parameter.absent = false;
  g.parameter.gvcid_set = {{0xab, 0, false, 1}};
  const auto v5 = encode_pdu(g, ServiceType::rtn_ch_frames, 5);
  EXPECT_EQ(v5, hex_decode("a7188000020101a011a50f02011ca00a020200ab020100810101"));
  const auto v4 = encode_pdu(g, ServiceType::rtn_ch_frames, 4);
  EXPECT_EQ(v4, hex_decode("a7188000020101a011a50f02011c300a020200ab020100810101"));
  for (int v : {4, 5}) {
    const auto& bytes = v == 5 ? v5 : v4;
    const auto back = std::get<GetParameterReturn>(decode_pdu(bytes.data(), bytes.size(), ServiceType::rtn_ch_frames, v));
    EXPECT_EQ(back.parameter.gvcid_set.at(0), (RequestedGvcid{0xab, 0, false, 1}));
  }
  EXPECT_THROW(decode_pdu(v5.data(), v5.size(), ServiceType::rtn_ch_frames, 4), BerError);
  g.parameter.name = param::kPermittedGvcidSet;
  g.parameter.gvcid_set = {{0xab, 0, false, 1}, {0xab, 0, false, 2}};
  const auto set5 = encode_pdu(g, ServiceType::rtn_ch_frames, 5);
  const auto set4 = encode_pdu(g, ServiceType::rtn_ch_frames, 4);
  // [3] { name 24, SET (31) / SEQUENCE (30) of one MasterChannelComposition with vcList [1] {1, 2} }
  EXPECT_EQ(set5, hex_decode("a71f8000020101a018a3160201183111300f020200ab020100a106020101020102"));
  EXPECT_EQ(set4, hex_decode("a71f8000020101a018a3160201183011300f020200ab020100a106020101020102"));
}

// ---- provider: GET-PARAMETER for every parameter of RAF and RCF in every version.
class EveryVersion : public ::testing::TestWithParam<int> {};

TEST_P(EveryVersion, RafGetParameterAnswersEveryParameter) {
  const int v = GetParam();
  ProviderConfig pc;
  pc.instances.push_back(instance(ServiceType::rtn_all_frames));
  pc.instances.back().permitted_quality = {0, 2};
  SleProvider provider(pc);
  provider.start();
  SleUser u(user(provider, ServiceType::rtn_all_frames, v));
  ASSERT_TRUE(u.bind().positive);
  EXPECT_EQ(u.get_parameter(param::kBufferSize).parameter.value, 20);
  EXPECT_EQ(u.get_parameter(param::kDeliveryMode).parameter.value, 0);  // rtnTimelyOnline
  EXPECT_EQ(u.get_parameter(param::kLatencyLimit).parameter.value, 1);  // 20 ms -> 1 s (IntPosShort)
  EXPECT_TRUE(u.get_parameter(param::kReportingCycle).parameter.absent);
  EXPECT_EQ(u.get_parameter(param::kReturnTimeoutPeriod).parameter.value, 180);
  // Before START: v1..v4 say undefined (3); v5 has no such value.
  if (v < 5) EXPECT_EQ(u.get_parameter(param::kRequestedFrameQuality).parameter.value, 3);
  if (v >= 5) {
    EXPECT_EQ(u.get_parameter(param::kPermittedFrameQuality).parameter.quality_set, (std::vector<int64_t>{0, 2}));
    EXPECT_EQ(u.get_parameter(param::kMinReportingCycle).parameter.value, 1);
  } else {
    EXPECT_TRUE(unknown(u.get_parameter(param::kPermittedFrameQuality)));
    EXPECT_TRUE(unknown(u.get_parameter(param::kMinReportingCycle)));
  }
  EXPECT_TRUE(unknown(u.get_parameter(param::kRequestedGvcid)));
  EXPECT_TRUE(unknown(u.get_parameter(param::kPermittedGvcidSet)));
  EXPECT_TRUE(unknown(u.get_parameter(9999)));
  ASSERT_TRUE(u.start(RequestedFrameQuality::good_only).result.positive);
  EXPECT_EQ(u.get_parameter(param::kRequestedFrameQuality).parameter.value, 0);
  using K = ScheduleStatusReportInvocation::Kind;
  ASSERT_TRUE(u.schedule_status_report(K::periodically, 3).result.positive);
  EXPECT_EQ(u.get_parameter(param::kReportingCycle).parameter.value, 3);
  ASSERT_TRUE(u.schedule_status_report(K::stop).result.positive);
  EXPECT_TRUE(u.connected());
  ASSERT_TRUE(u.stop().result.positive);
  u.unbind();
  provider.stop();
}

TEST_P(EveryVersion, RcfGetParameterAnswersEveryParameter) {
  const int v = GetParam();
  ProviderConfig pc;
  pc.instances.push_back(instance(ServiceType::rtn_ch_frames));
  SleProvider provider(pc);
  provider.start();
  SleUser u(user(provider, ServiceType::rtn_ch_frames, v));
  ASSERT_TRUE(u.bind().positive);
  EXPECT_EQ(u.get_parameter(param::kBufferSize).parameter.value, 20);
  EXPECT_EQ(u.get_parameter(param::kDeliveryMode).parameter.value, 0);
  EXPECT_EQ(u.get_parameter(param::kLatencyLimit).parameter.value, 1);
  EXPECT_TRUE(u.get_parameter(param::kReportingCycle).parameter.absent);
  EXPECT_EQ(u.get_parameter(param::kReturnTimeoutPeriod).parameter.value, 180);
  const auto perm = u.get_parameter(param::kPermittedGvcidSet);
  ASSERT_TRUE(perm.result.positive);
  EXPECT_EQ(perm.parameter.gvcid_set, (std::vector<RequestedGvcid>{{0xab, 0, false, 1}, {0xab, 0, false, 2},
                                                                    {0x12, 1, true, 0}}));
  const auto before = u.get_parameter(param::kRequestedGvcid);
  ASSERT_TRUE(before.result.positive);
  EXPECT_EQ(before.parameter.absent, v >= 5);  // v5: undefined before START
  if (v >= 5) EXPECT_EQ(u.get_parameter(param::kMinReportingCycle).parameter.value, 1);
  else EXPECT_TRUE(unknown(u.get_parameter(param::kMinReportingCycle)));
  EXPECT_TRUE(unknown(u.get_parameter(param::kRequestedFrameQuality)));
  EXPECT_TRUE(unknown(u.get_parameter(param::kPermittedFrameQuality)));
  ASSERT_TRUE(u.start_rcf({0xab, 0, false, 2}).result.positive);
  const auto after = u.get_parameter(param::kRequestedGvcid);
  ASSERT_EQ(after.parameter.gvcid_set.size(), 1u);
  EXPECT_EQ(after.parameter.gvcid_set[0], (RequestedGvcid{0xab, 0, false, 2}));
  ASSERT_TRUE(u.stop().result.positive);
  u.unbind();
  provider.stop();
}

INSTANTIATE_TEST_SUITE_P(Sle, EveryVersion, ::testing::Values(1, 2, 3, 4, 5));

// ---- SCHEDULE-STATUS-REPORT: immediately, periodically (reports keep coming at the cycle), stop.
TEST(StatusReports, ImmediatelyPeriodicallyStop) {
  ProviderConfig pc;
  pc.instances.push_back(instance(ServiceType::rtn_all_frames));
  SleProvider provider(pc);
  provider.start();
  provider.set_link_status({0, 0, 2, 0, 0});
  SleUser u(user(provider, ServiceType::rtn_all_frames, 5));
  ASSERT_TRUE(u.bind().positive);
  using K = ScheduleStatusReportInvocation::Kind;
  EXPECT_EQ(u.schedule_status_report(K::stop).result.code, 1);               // alreadyStopped
  EXPECT_EQ(u.schedule_status_report(K::periodically, 0).result.code, 2);    // invalidReportingCycle
  EXPECT_EQ(u.schedule_status_report(K::periodically, 601).result.code, 2);
  ASSERT_TRUE(u.schedule_status_report(K::immediately).result.positive);
  for (int i = 0; i < 200 && u.stats().status_reports < 1; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(u.stats().status_reports, 1u);
  ASSERT_TRUE(u.start().result.positive);
  for (uint32_t i = 0; i < 7; ++i) provider.deliver(frame(i));
  ASSERT_TRUE(u.wait_frames(7, 2s));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(u.schedule_status_report(K::periodically, 1).result.positive);
  // One report at once, then one per second.
  while (u.stats().status_reports < 4 && std::chrono::steady_clock::now() - t0 < 5s) std::this_thread::sleep_for(10ms);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(u.stats().status_reports, 4u);
  EXPECT_GT(took, 1.8);
  EXPECT_LT(took, 3.5);
  const auto sr = u.last_status_report();
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->delivered_frames, 7);
  EXPECT_EQ(sr->frame_sync, 0);
  EXPECT_EQ(sr->subcarrier, 2);
  ASSERT_TRUE(u.schedule_status_report(K::stop).result.positive);
  const uint64_t n = u.stats().status_reports;
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(u.stats().status_reports, n);
  EXPECT_TRUE(u.get_parameter(param::kReportingCycle).parameter.absent);
  ASSERT_TRUE(u.stop().result.positive);
  u.unbind();
  provider.stop();
}

// ---- SYNC-NOTIFY inside the TRANSFER-BUFFER stream (911.1-B §3.6 / 911.2-B §3.6).
TEST(SyncNotify, LossOfSyncProductionChangeEndOfData) {
  for (int v : {2, 5}) {
    ProviderConfig pc;
    pc.instances.push_back(instance(ServiceType::rtn_all_frames));
    SleProvider provider(pc);
    provider.start();
    provider.set_link_status({0, 0, 2, 0, 0});
    SleUser u(user(provider, ServiceType::rtn_all_frames, v));
    std::mutex mu;
    std::vector<SyncNotification> notes;
    std::vector<int> order;  // frame count when each notification arrived
    std::atomic<int> frames{0};
    u.on_frame([&](const AnnotatedFrame&) { ++frames; });
    u.on_notification([&](const SyncNotification& n) {
      std::lock_guard<std::mutex> lk(mu);
      notes.push_back(n);
      order.push_back(frames);
    });
    ASSERT_TRUE(u.bind().positive);
    ASSERT_TRUE(u.start().result.positive);
    for (uint32_t i = 0; i < 5; ++i) provider.deliver(frame(i));
    provider.set_link_status({1, 0, 2, 1, 0});  // frame sync lost; symbol in lock, subcarrier not in use
    provider.set_link_status({1, 0, 2, 1, 1});  // production interrupted
    provider.set_link_status({1, 0, 2, 1, 1});  // no change: nothing
    for (uint32_t i = 5; i < 8; ++i) provider.deliver(frame(i));
    provider.end_of_data();
    for (int i = 0; i < 300; ++i) {
      {
        std::lock_guard<std::mutex> lk(mu);
        if (notes.size() >= 3) break;
      }
      std::this_thread::sleep_for(5ms);
    }
    std::lock_guard<std::mutex> lk(mu);
    ASSERT_EQ(notes.size(), 3u) << "version " << v;
    using Kd = SyncNotification::Kind;
    EXPECT_EQ(notes[0].kind, Kd::loss_frame_sync);
    EXPECT_EQ(notes[0].carrier, 1);
    EXPECT_EQ(notes[0].subcarrier, v >= 3 ? 2 : 3);  // notInUse exists from v3 (unknown before)
    EXPECT_EQ(notes[0].symbol_sync, 0);
    EXPECT_LT(std::abs(notes[0].time.ns - SleTime::now().ns), 5'000'000'000LL);
    EXPECT_EQ(notes[1].kind, Kd::production_status_change);
    EXPECT_EQ(notes[1].production, 1);
    EXPECT_EQ(notes[2].kind, Kd::end_of_data);
    // In stream order: after the frames delivered before them.
    EXPECT_EQ(order[0], 5);
    EXPECT_EQ(order[2], 8);
    EXPECT_EQ(u.stats().end_of_data, 1u);
    u.stop();
    u.unbind();
    provider.stop();
  }
}

// ---- ISP1 credentials: stale ones are refused (913.1-B-2 §3.1.3 acceptable delay, 180 s by
// default, configurable), and each peer may be held to SHA-1 or SHA-256.
namespace {
BindReturn raw_bind(uint16_t port, const SleTime& when, HashAlgorithm alg, int version) {
  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), port});
  BindInvocation b;
  b.credentials = encode_isp1_credentials(make_credentials(alg, "mertens", kUserPw, when));
  b.initiator = "mertens";
  b.responder_port = "RAF_PORT";
  b.service_type = 0;
  b.version = version;
  b.sii = ServiceInstanceId::parse(kRaf);
  auto m = tml_encode_context({1, 30, 3});
  const auto pdu = encode_pdu(b, ServiceType::rtn_all_frames, version);
  uint8_t h[8];
  tml_put_header(h, TmlType::pdu, static_cast<uint32_t>(pdu.size()));
  m.insert(m.end(), h, h + 8);
  m.insert(m.end(), pdu.begin(), pdu.end());
  asio::write(sock, asio::buffer(m));
  for (;;) {
    asio::read(sock, asio::buffer(h));
    const TmlHeader th = tml_parse_header(h, 1 << 20);
    std::vector<uint8_t> body(th.length);
    asio::read(sock, asio::buffer(body));
    if (th.type == TmlType::pdu) return std::get<BindReturn>(decode_pdu(body.data(), body.size(), ServiceType::rtn_all_frames, version));
  }
}
SleTime ago(int s) { return SleTime::from_ns(SleTime::now().ns - int64_t{s} * 1000000000LL); }
}  // namespace

TEST(Credentials, StaleCredentialsAreRefused) {
  EXPECT_EQ(ServiceInstanceConfig{}.max_credential_age_s, 180);
  {
    ProviderConfig pc;
    pc.instances.push_back(instance(ServiceType::rtn_all_frames, AuthMode::bind));
    SleProvider provider(pc);
    provider.start();
    const uint16_t port = provider.port(kRaf);
    const auto old = raw_bind(port, ago(200), HashAlgorithm::sha1, 4);
    EXPECT_FALSE(old.positive);
    EXPECT_EQ(old.value, static_cast<int>(BindDiagnostic::access_denied));
    const auto future = raw_bind(port, ago(-200), HashAlgorithm::sha1, 4);  // clock far ahead
    EXPECT_FALSE(future.positive);
    for (int i = 0; i < 200 && provider.stats(kRaf).bound; ++i) std::this_thread::sleep_for(5ms);
    EXPECT_TRUE(raw_bind(port, ago(170), HashAlgorithm::sha1, 4).positive);
    provider.stop();
  }
  {
    ProviderConfig pc;
    pc.instances.push_back(instance(ServiceType::rtn_all_frames, AuthMode::bind));
    pc.instances.back().max_credential_age_s = 600;
    SleProvider provider(pc);
    provider.start();
    EXPECT_TRUE(raw_bind(provider.port(kRaf), ago(500), HashAlgorithm::sha1, 4).positive);
    provider.stop();
  }
}

TEST(Credentials, PerPeerHashAlgorithm) {
  ProviderConfig pc;
  auto c = instance(ServiceType::rtn_all_frames, AuthMode::all);
  c.users = {{"mertens", kUserPw, HashAlgorithm::sha1}, {"other", kUserPw, std::nullopt}};
  pc.instances.push_back(c);
  SleProvider provider(pc);
  provider.start();
  {
    // v5 by default hashes with SHA-256: refused for a peer held to SHA-1.
    SleUser u(user(provider, ServiceType::rtn_all_frames, 5, AuthMode::all));
    const auto r = u.bind();
    EXPECT_FALSE(r.positive);
    EXPECT_EQ(r.value, static_cast<int>(BindDiagnostic::access_denied));
  }
  for (int i = 0; i < 200 && provider.stats(kRaf).bound; ++i) std::this_thread::sleep_for(5ms);
  auto sizes = [](const Credentials& der) { return decode_isp1_credentials(der).protected_id.size(); };
  {
    auto cfg = user(provider, ServiceType::rtn_all_frames, 5, AuthMode::all);
    cfg.hash = HashAlgorithm::sha1;  // like dariol83's v5 user
    SleUser u(cfg);
    const auto r = u.bind();
    ASSERT_TRUE(r.positive);
    EXPECT_EQ(sizes(r.credentials), 20u);  // we answer in SHA-1 too
    const auto g = u.get_parameter(param::kBufferSize);
    EXPECT_EQ(sizes(g.credentials), 20u);
    u.unbind();
  }
  for (int i = 0; i < 200 && provider.stats(kRaf).bound; ++i) std::this_thread::sleep_for(5ms);
  {
    // A peer without a configured hash gets answers in the hash it uses.
    for (auto alg : {HashAlgorithm::sha1, HashAlgorithm::sha256}) {
      auto cfg = user(provider, ServiceType::rtn_all_frames, 5, AuthMode::all);
      cfg.initiator_id = "other";
      cfg.hash = alg;
      SleUser u(cfg);
      const auto r = u.bind();
      ASSERT_TRUE(r.positive);
      EXPECT_EQ(sizes(r.credentials), alg == HashAlgorithm::sha1 ? 20u : 32u);
      u.unbind();
      for (int i = 0; i < 200 && provider.stats(kRaf).bound; ++i) std::this_thread::sleep_for(5ms);
    }
  }
  provider.stop();
}

// ---- CLTU GET-PARAMETER: every parameter of 912.1-B, in each version's CHOICE layout.
TEST(CltuGetParameter, EveryParameterInEachVersionsLayout) {
  for (int v : {2, 3, 4, 5}) {
    for (bool clcw : {false, true}) {
      ProviderConfig pc;
      ServiceInstanceConfig c;
      c.sii = "sagr=SAGR.spack=SPACK.fsl-fg=FSL-FG.cltu=cltu1";
      c.service = ServiceType::fwd_cltu;
      c.responder_port = "CLTU_PORT";
      c.host = "127.0.0.1";
      c.versions = {1, 2, 3, 4, 5};
      c.max_cltu_length = 1024;
      c.plop = 2;
      c.modulation_frequency = 80000;
      c.subcarrier_to_bit_rate_ratio = 16;
      if (clcw) {
        c.clcw_global_vcid = RequestedGvcid{0xab, 0, false, 7};
        c.clcw_physical_channel = "S-band return 1";
      }
      pc.instances.push_back(c);
      SleProvider provider(pc);
      provider.start();
      UserConfig u;
      u.port = provider.port(c.sii);
      u.sii = c.sii;
      u.service = ServiceType::fwd_cltu;
      u.responder_port = "CLTU_PORT";
      u.version = v;
      SleUser user(u);
      ASSERT_TRUE(user.bind().positive);
      auto value = [&](int name) {
        const auto r = user.get_parameter(name);
        EXPECT_TRUE(r.result.positive) << "v" << v << " parameter " << name;
        return r.parameter.value;
      };
      // In every version.
      EXPECT_EQ(value(param::kBitLockRequired), 1);  // no
      EXPECT_EQ(value(param::kRfAvailableRequired), 1);
      EXPECT_EQ(value(param::kDeliveryMode), 3);     // fwdOnline
      EXPECT_EQ(value(param::kExpectedSlduId), 0);
      EXPECT_EQ(value(param::kExpectedEventInvocationId), 0);
      EXPECT_EQ(value(param::kMaximumSlduLength), 1024);
      EXPECT_EQ(value(param::kModulationFrequency), 80000);
      EXPECT_EQ(value(param::kModulationIndex), 1000);
      EXPECT_EQ(value(param::kPlopInEffect), 1);     // plop2
      EXPECT_EQ(value(param::kReturnTimeoutPeriod), 180);
      EXPECT_EQ(value(param::kSubcarrierToBitRateRatio), 16);
      EXPECT_TRUE(user.get_parameter(param::kReportingCycle).parameter.absent);
      // v4 and later only.
      const int v4 = v >= 4;
      for (int name : {param::kAcquisitionSequenceLength, param::kMinimumDelayTime, param::kNotificationMode,
                       param::kPlop1IdleSequenceLength, param::kProtocolAbortMode}) {
        EXPECT_EQ(user.get_parameter(name).result.positive, v4) << "v" << v << " parameter " << name;
      }
      if (v4) EXPECT_EQ(value(param::kAcquisitionSequenceLength), 16);
      // v5 only.
      EXPECT_EQ(user.get_parameter(param::kMinReportingCycle).result.positive, v >= 5);
      // CLCW: v5 tells "not configured"; v4 can only give a configured value.
      const auto gv = user.get_parameter(param::kClcwGlobalVcid);
      const auto ph = user.get_parameter(param::kClcwPhysicalChannel);
      EXPECT_EQ(gv.result.positive, v >= 5 || (v == 4 && clcw));
      EXPECT_EQ(ph.result.positive, v >= 5 || (v == 4 && clcw));
      if (gv.result.positive) {
        // v5: [0] GvcId (a0) or notConfigured [1] NULL (81 00); v4: GvcId SEQUENCE (30).
        const std::vector<uint8_t> want = !clcw   ? hex_decode("8100")
                                          : v >= 5 ? hex_decode("a00a020200ab020100810107")
                                                   : hex_decode("300a020200ab020100810107");
        EXPECT_EQ(gv.parameter.raw, want) << "v" << v;
        ASSERT_FALSE(ph.parameter.raw.empty());
        EXPECT_EQ(ph.parameter.raw[0], !clcw ? 0x81 : v >= 5 ? 0x80 : 0x1a);
      }
      user.unbind();
      provider.stop();
    }
  }
}

// The new keys in the YAML form: per-user hash, credential age, CLTU uplink parameters; bad values
// name the key path.
TEST(Config, YamlHashAgeAndCltuKeys) {
  const auto pc = provider_config_from_yaml(YAML::Load(R"(
instances:
  - sii: "sagr=1.spack=1.rsl-fg=1.raf=onlt1"
    auth: all
    responder_password: "AB01"
    max_credential_age_s: 600
    users: [{id: a, password: "0001", hash: sha1}, {id: b, password: "0002"}, {id: c, password: "03", hash: sha256}]
  - sii: "sagr=1.spack=1.fsl-fg=1.cltu=cltu1"
    service: cltu
    plop: 2
    modulation_frequency: 160000
    clcw_global_vcid: {scid: 171, tfvn: 0, vcid: 7}
    clcw_physical_channel: "S1"
)"));
  EXPECT_EQ(pc.instances[0].max_credential_age_s, 600);
  EXPECT_EQ(pc.instances[0].users[0].hash, HashAlgorithm::sha1);
  EXPECT_FALSE(pc.instances[0].users[1].hash.has_value());
  EXPECT_EQ(pc.instances[0].users[2].hash, HashAlgorithm::sha256);
  EXPECT_EQ(pc.instances[1].plop, 2);
  EXPECT_EQ(pc.instances[1].modulation_frequency, 160000);
  ASSERT_TRUE(pc.instances[1].clcw_global_vcid.has_value());
  EXPECT_EQ(pc.instances[1].clcw_global_vcid->vcid, 7);
  EXPECT_EQ(pc.instances[1].clcw_physical_channel, "S1");
  const std::pair<const char*, const char*> bad[] = {
      {"instances: [{sii: 'sagr=1.raf=x', users: [{id: a, password: '01', hash: md5}]}]", "users[0].hash"},
      {"instances: [{sii: 'sagr=1.raf=x', return_timeout_s: 601}]", "return_timeout_s"},
      {"instances: [{sii: 'sagr=1.cltu=x', service: cltu, plop: 3}]", "plop"},
      {"instances: [{sii: 'sagr=1.cltu=x', service: cltu, max_cltu_length: 5000}]", "max_cltu_length"},
  };
  for (const auto& [yaml, field] : bad) {
    try {
      provider_config_from_yaml(YAML::Load(yaml));
      ADD_FAILURE() << yaml;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  }
  UserConfig u = user_config_from_yaml(YAML::Load("{sii: 'sagr=1.raf=x', version: 5, hash: sha1}"));
  EXPECT_EQ(u.hash, HashAlgorithm::sha1);
}
