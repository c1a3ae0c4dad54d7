#include "sle/config.h"

#include <stdexcept>

namespace groundlink::sle {

namespace {
void range(const char* field, long v, long lo, long hi) {
  if (v < lo || v > hi)
    throw std::invalid_argument(std::string(field) + " = " + std::to_string(v) + " outside " + std::to_string(lo) +
                                ".." + std::to_string(hi));
}
}  // namespace

const char* to_string(AuthMode m) {
  switch (m) {
    case AuthMode::none: return "none";
    case AuthMode::bind: return "bind";
    case AuthMode::all: return "all";
  }
  return "?";
}

AuthMode auth_mode_from_string(const std::string& s) {
  if (s == "none") return AuthMode::none;
  if (s == "bind") return AuthMode::bind;
  if (s == "all") return AuthMode::all;
  throw std::invalid_argument("auth mode '" + s + "' (allowed: none, bind, all)");
}

void ServiceInstanceConfig::validate() const {
  ServiceInstanceId::parse(sii);  // throws naming the bad attribute
  if (service != ServiceType::rtn_all_frames && service != ServiceType::rtn_ch_frames && service != ServiceType::fwd_cltu)
    throw std::invalid_argument("service: rtn_all_frames (RAF), rtn_ch_frames (RCF) or fwd_cltu (CLTU)");
  // maximumSlduLength is INTEGER (12 .. 4096) in the v4/v5 CltuGetParameter.
  range("max_cltu_length", max_cltu_length, 16, 4096);
  range("acquisition_sequence_length", acquisition_sequence_length, 0, 65535);
  range("plop1_idle_sequence_length", plop1_idle_sequence_length, 0, 65535);
  range("plop", plop, 1, 2);
  if (modulation_frequency < 1 || modulation_frequency > 0xffffffffLL)
    throw std::invalid_argument("modulation_frequency: outside 1..4294967295 (1/10 Hz)");
  range("modulation_index", modulation_index, 1, 32767);
  range("subcarrier_to_bit_rate_ratio", subcarrier_to_bit_rate_ratio, 1, 32767);
  range("clcw_physical_channel length", static_cast<long>(clcw_physical_channel.size()), 0, 32);
  range("cltu_buffer_octets", cltu_buffer_octets, 0, 1 << 30);
  range("min_delay_us", min_delay_us, 0, 1 << 30);
  if (responder_port.empty()) throw std::invalid_argument("responder_port: must not be empty");
  if (responder_id.empty()) throw std::invalid_argument("responder_id: must not be empty");
  if (auth != AuthMode::none) {
    if (users.empty()) throw std::invalid_argument("users: at least one user needed when auth is bind or all");
    if (responder_password.empty()) throw std::invalid_argument("responder_password: needed when auth is bind or all");
  }
  for (const auto& u : users)
    if (u.id.empty()) throw std::invalid_argument("users[].id: must not be empty");
  if (versions.empty()) throw std::invalid_argument("versions: at least one of 1..5");
  for (int v : versions) range("versions[]", v, 1, 5);
  if (delivery == DeliveryMode::offline && buffer_size < 1) throw std::invalid_argument("buffer_size");
  range("buffer_size", buffer_size, 1, 10000);
  range("latency_limit_ms", latency_limit_ms, 1, 600000);
  range("max_backlog_buffers", max_backlog_buffers, 1, 100000);
  range("return_timeout_s", return_timeout_s, 1, 600);  // TimeoutPeriod ::= INTEGER (1 .. 600)
  range("min_reporting_cycle_s", min_reporting_cycle_s, 1, 600);
  range("max_credential_age_s", max_credential_age_s, -1, 86400);
  for (int q : permitted_quality) range("permitted_quality[]", q, 0, 2);
  range("antenna_id length", static_cast<long>(antenna_id.size()), 1, 16);
  range("tml.max_pdu", static_cast<long>(tml.max_pdu), 64, 1L << 30);
  range("tml.dead_factor", tml.dead_factor, 1, 1000);
}

void ProviderConfig::validate() const {
  if (instances.empty()) throw std::invalid_argument("instances: at least one service instance");
  range("io_threads", io_threads, 1, 64);
  for (size_t i = 0; i < instances.size(); ++i) {
    try {
      instances[i].validate();
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("instances[" + std::to_string(i) + "]." + e.what());
    }
    for (size_t j = 0; j < i; ++j)
      if (ServiceInstanceId::parse(instances[j].sii) == ServiceInstanceId::parse(instances[i].sii))
        throw std::invalid_argument("instances[" + std::to_string(i) + "].sii: duplicate " + instances[i].sii);
  }
}

}  // namespace groundlink::sle
