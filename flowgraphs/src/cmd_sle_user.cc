// groundlink sle-user: an SLE user (RAF, RCF, FCLTU) for operators and tests.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli.h"
#include "commands.h"
#include "sle/config.h"
#include "sle/config_yaml.h"
#include "sle/user.h"

namespace groundlink::app {
namespace {

std::vector<uint8_t> hex_bytes(const std::string& field, const std::string& s) {
  std::vector<uint8_t> out;
  std::string h;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) h += c;
  if (h.size() % 2 || h.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw UsageError(field + ": '" + s + "' is not an even number of hex digits");
  for (size_t i = 0; i < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

const char* result_text(const sle::OpResult& r) { return r.positive ? "positive" : "negative"; }

}  // namespace

int cmd_sle_user(int argc, char** argv) {
  Args args("sle-user",
            "An SLE user: BIND to a provider, START the service, receive and count frames (RAF, RCF) or\n"
            "send CLTUs (FCLTU), GET-PARAMETER, STOP, UNBIND. Prints one JSON summary line.",
            {{"config", "FILE", "user configuration in YAML (keys as the options below); options override", ""},
             {"host", "ADDR", "provider address", "127.0.0.1"},
             {"port", "N", "provider TCP port", ""},
             {"service", "S", "raf | rcf | cltu", "raf"},
             {"sii", "SII", "service instance identifier", "sagr=1.spack=1.rsl-fg=1.raf=onlt1"},
             {"responder-port", "NAME", "logical responder port", "RAF_PORT"},
             {"version", "N", "SLE version 1..5", "5"},
             {"auth", "MODE", "none | bind | all", "none"},
             {"hash", "ALG", "credentials hash: sha1 | sha256 | auto (auto: SHA-256 from v5, SHA-1 before)", "auto"},
             {"user", "ID", "initiator (user) identifier", "groundlink-user"},
             {"password", "HEX", "our ISP1 password", ""},
             {"responder-id", "ID", "expected provider identifier (checked when given)", ""},
             {"responder-password", "HEX", "provider's password, to check its credentials", ""},
             {"quality", "Q", "RAF requested frame quality: all | good | erred", "all"},
             {"gvcid", "SCID:TFVN:VCID", "RCF: the channel (VCID 'mc' = master channel)", ""},
             {"frames", "N", "wait for N frames (RAF/RCF), or until end of data", "0"},
             {"timeout", "SECONDS", "give up waiting after this", "30"},
             {"get-parameter", "ID[,ID...]", "GET-PARAMETER these parameter ids after START", ""},
             {"cltu-file", "FILE", "FCLTU: CLTUs to send, one per line in hex", ""},
             {"first-cltu-id", "N", "FCLTU: id of the first CLTU", "0"},
             {"frames-out", "FILE", "write received frames back to back", ""}});
  if (!args.parse(argc, argv)) return kExitOk;
  sle::UserConfig uc;
  try {
    if (args.has("config")) uc = sle::user_config_from_yaml(YAML::LoadFile(args.get("config")));
  } catch (const std::exception& e) {
    throw UsageError("--config: " + std::string(e.what()));
  }
  const std::string service = args.get("service");
  if (service != "raf" && service != "rcf" && service != "cltu") throw UsageError("--service: allowed raf, rcf, cltu");
  if (args.has("host") || !args.has("config")) uc.host = args.get("host");
  if (args.has("port")) {
    const long long p = args.get_int("port");
    if (p < 1 || p > 65535) throw UsageError("--port: allowed 1..65535");
    uc.port = static_cast<uint16_t>(p);
  }
  if (uc.port == 0) throw UsageError("--port is required (the provider's responder port)");
  if (args.has("service") || !args.has("config"))
    uc.service = service == "raf" ? sle::ServiceType::rtn_all_frames
                 : service == "rcf" ? sle::ServiceType::rtn_ch_frames : sle::ServiceType::fwd_cltu;
  if (args.has("sii") || !args.has("config")) uc.sii = args.get("sii");
  if (args.has("responder-port") || !args.has("config")) uc.responder_port = args.get("responder-port");
  if (args.has("version") || !args.has("config")) {
    const long long v = args.get_int("version");
    if (v < 1 || v > 5) throw UsageError("--version: allowed 1..5");
    uc.version = static_cast<int>(v);
  }
  if (args.has("auth") || !args.has("config")) {
    try {
      uc.auth = sle::auth_mode_from_string(args.get("auth"));
    } catch (const std::exception&) {
      throw UsageError("--auth: allowed none, bind, all");
    }
  }
  if (args.has("hash")) {
    try {
      uc.hash = sle::hash_from_string(args.get("hash"));
    } catch (const std::exception&) {
      throw UsageError("--hash: allowed sha1, sha256, auto");
    }
  }
  if (args.has("user") || !args.has("config")) uc.initiator_id = args.get("user");
  if (args.has("password")) uc.password = hex_bytes("--password", args.get("password"));
  if (args.has("responder-id")) uc.responder_id = args.get("responder-id");
  if (args.has("responder-password"))
    uc.responder_password = hex_bytes("--responder-password", args.get("responder-password"));
  if (uc.auth != sle::AuthMode::none && uc.password.empty())
    throw UsageError("--password is required with --auth " + args.get("auth"));
  const double timeout_s = args.get_double("timeout");
  if (!(timeout_s > 0 && timeout_s <= 86400)) throw UsageError("--timeout: allowed (0, 86400] seconds");
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
  const long long want = args.get_int("frames");
  if (want < 0) throw UsageError("--frames must be >= 0");
  std::vector<int> params;
  if (args.has("get-parameter")) {
    std::stringstream ss(args.get("get-parameter"));
    std::string tok;
    while (std::getline(ss, tok, ',')) {
      try {
        params.push_back(std::stoi(tok));
      } catch (const std::exception&) {
        throw UsageError("--get-parameter: '" + tok + "' is not a parameter id (an integer)");
      }
    }
  }
  std::vector<std::vector<uint8_t>> cltus;
  if (args.has("cltu-file")) {
    std::ifstream f(args.get("cltu-file"));
    if (!f) throw UsageError("--cltu-file: cannot read '" + args.get("cltu-file") + "'");
    std::string line;
    while (std::getline(f, line))
      if (line.find_first_not_of(" \t\r") != std::string::npos && line[0] != '#')
        cltus.push_back(hex_bytes("--cltu-file", line));
  }
  std::FILE* out = nullptr;
  if (args.has("frames-out")) {
    out = std::fopen(args.get("frames-out").c_str(), "wb");
    if (!out) throw UsageError("--frames-out: cannot create '" + args.get("frames-out") + "'");
  }

  nlohmann::json j;
  sle::SleUser user(uc);
  uint64_t good = 0, erred = 0, undetermined = 0;
  user.on_frame([&](const sle::AnnotatedFrame& f) {
    (f.quality == 0 ? good : f.quality == 1 ? erred : undetermined)++;
    if (out) std::fwrite(f.data.data(), 1, f.data.size(), out);
  });
  const auto t0 = std::chrono::steady_clock::now();
  const sle::BindReturn b = user.bind();
  j["bind"] = b.positive ? "positive" : "negative";
  if (!b.positive) {
    j["bind_diagnostic"] = b.value;
    std::printf("%s\n", j.dump().c_str());
    return kExitRuntime;
  }
  j["version"] = b.value;
  bool ok = true;
  if (uc.service == sle::ServiceType::fwd_cltu) {
    const auto s = user.start_cltu(args.get_int("first-cltu-id"));
    j["start"] = result_text(s.result);
    ok = s.result.positive;
    int64_t id = args.get_int("first-cltu-id");
    uint64_t accepted = 0;
    for (const auto& c : cltus) {
      if (!ok) break;
      const auto r = user.transfer_cltu(id++, c);
      if (r.result.positive) ++accepted;
      else j["cltu_rejected_diagnostic"] = r.result.code, ok = false;
    }
    j["cltus_sent"] = cltus.size();
    j["cltus_accepted"] = accepted;
  } else {
    sle::StartReturn s;
    if (uc.service == sle::ServiceType::rtn_ch_frames) {
      if (!args.has("gvcid")) throw UsageError("--gvcid SCID:TFVN:VCID is required for RCF");
      sle::RequestedGvcid g;
      int scid, tfvn;
      char vc[16] = {0};
      if (std::sscanf(args.get("gvcid").c_str(), "%d:%d:%15s", &scid, &tfvn, vc) != 3)
        throw UsageError("--gvcid: SCID:TFVN:VCID (VCID a number or 'mc')");
      g.scid = scid;
      g.tfvn = tfvn;
      if (std::string(vc) == "mc") g.master_channel = true;
      else g.vcid = std::atoi(vc);
      s = user.start_rcf(g);
    } else {
      const std::string q = args.get("quality");
      if (q != "all" && q != "good" && q != "erred") throw UsageError("--quality: allowed all, good, erred");
      s = user.start(q == "all" ? sle::RequestedFrameQuality::all
                     : q == "good" ? sle::RequestedFrameQuality::good_only : sle::RequestedFrameQuality::erred_only);
    }
    j["start"] = result_text(s.result);
    ok = s.result.positive;
    if (ok && want > 0) j["all_frames_received"] = user.wait_frames(static_cast<uint64_t>(want), timeout);
  }
  for (int p : params) {
    const auto g = user.get_parameter(p);
    nlohmann::json pj = {{"result", result_text(g.result)}, {"value", g.parameter.value}};
    if (!g.parameter.quality_set.empty()) pj["set"] = g.parameter.quality_set;
    j["parameters"][std::to_string(p)] = pj;
  }
  if (ok) j["stop"] = result_text(user.stop().result);
  user.unbind();
  if (out) std::fclose(out);
  const auto st = user.stats();
  j["frames"] = st.frames;
  j["frames_good"] = good;
  j["frames_erred"] = erred;
  j["frames_undetermined"] = undetermined;
  j["bytes"] = st.bytes;
  j["buffers"] = st.buffers;
  j["notifications"] = st.notifications;
  j["end_of_data"] = st.end_of_data;
  j["elapsed_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%s\n", j.dump().c_str());
  if (want > 0 && st.frames < static_cast<uint64_t>(want)) return kExitRuntime;
  return ok ? kExitOk : kExitRuntime;
}

}  // namespace groundlink::app
