// Writes one fuzz_pdu seed per PDU type, service and SLE version (octet 0 service, octet 1
// version, then the PDU as our encoder writes it), so that every RAF, RCF and CLTU operation is in
// the corpus even where no capture has it. Run once after changing the PDU set:
//   build/fuzz/make_pdu_seeds tests/fuzz/corpus/pdu
#include <cstdio>
#include <fstream>
#include <string>

#include "sle/credentials.h"
#include "sle/pdu.h"

using namespace groundlink::sle;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const Credentials creds = encode_isp1_credentials(
      make_credentials(HashAlgorithm::sha256, "mertens", {0, 1, 2, 3}, SleTime::from_ns(1'790'000'000'000'000'000LL)));
  const SleTime t = SleTime::from_ns(1'790'000'000'123'456'789LL, true);
  std::vector<Pdu> common;
  common.push_back(BindInvocation{creds, "mertens", "RAF_PORT", 0, 5, ServiceInstanceId::parse("sagr=1.spack=2.rsl-fg=3.raf=onlt1")});
  common.push_back(BindReturn{creds, "provider", false, 2});
  common.push_back(UnbindInvocation{creds, 127});
  common.push_back(UnbindReturn{creds});
  common.push_back(StopInvocation{creds, 3});
  common.push_back(StopReturn{{}, 3, OpResult::common(100)});
  common.push_back(ScheduleStatusReportInvocation{creds, 4, ScheduleStatusReportInvocation::Kind::periodically, 5});
  common.push_back(ScheduleStatusReportReturn{{}, 4, OpResult::service_specific(2)});
  common.push_back(GetParameterInvocation{creds, 5, param::kReturnTimeoutPeriod});
  common.push_back(PeerAbortPdu{3});
  int n = 0;
  const ServiceType services[] = {ServiceType::rtn_all_frames, ServiceType::rtn_ch_frames, ServiceType::fwd_cltu};
  for (int si = 0; si < 3; ++si) {
    const ServiceType s = services[si];
    std::vector<Pdu> pdus = common;
    StartInvocation start{creds, 6, 77, t, std::nullopt, 1, {0xab, 0, false, 3}};
    pdus.push_back(start);
    StartReturn sr{{}, 6, t, t, OpResult::ok()};
    pdus.push_back(sr);
    sr.result = OpResult::service_specific(4);
    pdus.push_back(sr);
    GetParameterReturn gr{{}, 5, OpResult::service_specific(0), {}};
    pdus.push_back(gr);
    if (s == ServiceType::fwd_cltu) {
      pdus.push_back(CltuTransferData{creds, 7, 77, t, std::nullopt, 1000, 0, std::vector<uint8_t>(24, 0x55)});
      pdus.push_back(CltuTransferDataReturn{{}, 7, 78, 4096, OpResult::service_specific(2)});
      CltuProgress pr{true, 77, t, 0, true, 77, t};
      pdus.push_back(CltuAsyncNotify{{}, 6, 9, pr, 0, 3});
      pdus.push_back(CltuStatusReport{{}, pr, 0, 3, 10, 9, 8, 4096});
      pdus.push_back(ThrowEventInvocation{creds, 8, 1, 42, {1, 2, 3}});
      pdus.push_back(ThrowEventReturn{{}, 8, 1, OpResult::service_specific(1)});
    } else {
      pdus.push_back(StatusReport{creds, 10, 11, 0, 1, 2, 3, 1});
      TransferBuffer tb;
      AnnotatedFrame f{creds, t, false, {'a'}, 0, 1, {9, 9}, std::vector<uint8_t>(32, 0xa5)};
      tb.items.emplace_back(f);
      for (auto k : {SyncNotification::Kind::loss_frame_sync, SyncNotification::Kind::production_status_change,
                     SyncNotification::Kind::excessive_data_backlog, SyncNotification::Kind::end_of_data}) {
        SyncNotification sn;
        sn.kind = k;
        sn.time = t;
        sn.carrier = 0;
        sn.production = 1;
        tb.items.emplace_back(sn);
      }
      pdus.push_back(tb);
    }
    for (int v = 1; v <= 5; ++v) {
      std::vector<Pdu> all = pdus;
      // Every GET-PARAMETER return this version has.
      for (int name = 0; name < 400; ++name) {
        if (parameter_choice(s, v, name) < 0) continue;
        GetParameterReturn g{{}, 5, OpResult::ok(), {}};
        g.parameter.name = name;
        g.parameter.value = 7;
        if (name == param::kPermittedFrameQuality) g.parameter.quality_set = {0, 2};
        if (name == param::kRequestedGvcid || name == param::kPermittedGvcidSet)
          g.parameter.gvcid_set = {{0xab, 0, false, 1}, {0xab, 0, true, 0}};
        all.push_back(g);
      }
      for (const auto& p : all) {
        std::vector<uint8_t> bytes{static_cast<uint8_t>(si), static_cast<uint8_t>(v - 1)};
        try {
          encode_pdu(p, s, v, bytes);
        } catch (const std::invalid_argument&) {
          continue;
        }
        char name[64];
        std::snprintf(name, sizeof name, "/gen-%s-v%d-%03d", to_string(s), v, n++);
        std::ofstream(dir + name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      }
    }
  }
  std::printf("%d seeds\n", n);
  return 0;
}
