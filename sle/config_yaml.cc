#include "sle/config_yaml.h"

#include <stdexcept>

#include "sle/credentials.h"

namespace groundlink::sle {

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw std::invalid_argument(path + ": " + what);
}

template <class T>
T get(const YAML::Node& n, const std::string& key, const std::string& path, T def) {
  const YAML::Node v = n[key];
  if (!v) return def;
  try {
    return v.as<T>();
  } catch (const YAML::Exception&) {
    bad(path + "." + key, "wrong type");
  }
}

std::vector<uint8_t> hex(const YAML::Node& n, const std::string& key, const std::string& path) {
  const std::string s = get<std::string>(n, key, path, "");
  try {
    return hex_decode(s);
  } catch (const std::invalid_argument& e) {
    bad(path + "." + key, std::string("hex octets expected (") + e.what() + ")");
  }
}

ServiceType service_from(const std::string& s, const std::string& path) {
  if (s == "raf") return ServiceType::rtn_all_frames;
  if (s == "rcf") return ServiceType::rtn_ch_frames;
  if (s == "cltu" || s == "fcltu") return ServiceType::fwd_cltu;
  bad(path, "'" + s + "' (allowed: raf, rcf, cltu)");
}

AuthMode auth_from(const std::string& s, const std::string& path) {
  try {
    return auth_mode_from_string(s);
  } catch (const std::invalid_argument&) {
    bad(path, "'" + s + "' (allowed: none, bind, all)");
  }
}

ServiceInstanceConfig instance_from(const YAML::Node& n, const std::string& path) {
  if (!n.IsMap()) bad(path, "mapping expected");
  ServiceInstanceConfig c;
  if (!n["sii"]) bad(path + ".sii", "required");
  c.sii = get<std::string>(n, "sii", path, c.sii);
  c.service = service_from(get<std::string>(n, "service", path, "raf"), path + ".service");
  if (c.service == ServiceType::rtn_ch_frames) c.responder_port = "RCF_PORT";
  if (c.service == ServiceType::fwd_cltu) c.responder_port = "CLTU_PORT";
  c.responder_port = get<std::string>(n, "responder_port", path, c.responder_port);
  c.host = get<std::string>(n, "host", path, c.host);
  const int port = get<int>(n, "port", path, c.port);
  if (port < 0 || port > 65535) bad(path + ".port", "outside 0..65535");
  c.port = static_cast<uint16_t>(port);
  c.responder_id = get<std::string>(n, "responder_id", path, c.responder_id);
  c.responder_password = hex(n, "responder_password", path);
  c.auth = auth_from(get<std::string>(n, "auth", path, "none"), path + ".auth");
  if (const YAML::Node users = n["users"]) {
    if (!users.IsSequence()) bad(path + ".users", "list expected");
    for (size_t i = 0; i < users.size(); ++i) {
      const std::string up = path + ".users[" + std::to_string(i) + "]";
      PeerConfig p;
      p.id = get<std::string>(users[i], "id", up, "");
      p.password = hex(users[i], "password", up);
      try {
        p.hash = hash_from_string(get<std::string>(users[i], "hash", up, "auto"));
      } catch (const std::invalid_argument& e) {
        bad(up + ".hash", e.what());
      }
      c.users.push_back(std::move(p));
    }
  }
  c.versions = get<std::vector<int>>(n, "versions", path, c.versions);
  const std::string mode = get<std::string>(n, "delivery", path, "timely");
  if (mode == "timely") c.delivery = DeliveryMode::timely_online;
  else if (mode == "complete") c.delivery = DeliveryMode::complete_online;
  else if (mode == "offline") c.delivery = DeliveryMode::offline;
  else bad(path + ".delivery", "'" + mode + "' (allowed: timely, complete, offline)");
  c.buffer_size = get<int>(n, "buffer_size", path, c.buffer_size);
  c.latency_limit_ms = get<int>(n, "latency_limit_ms", path, c.latency_limit_ms);
  c.max_backlog_buffers = get<int>(n, "max_backlog_buffers", path, c.max_backlog_buffers);
  c.return_timeout_s = get<int>(n, "return_timeout_s", path, c.return_timeout_s);
  c.min_reporting_cycle_s = get<int>(n, "min_reporting_cycle_s", path, c.min_reporting_cycle_s);
  c.acquisition_sequence_length = get<int>(n, "acquisition_sequence_length", path, c.acquisition_sequence_length);
  c.plop1_idle_sequence_length = get<int>(n, "plop1_idle_sequence_length", path, c.plop1_idle_sequence_length);
  c.plop = get<int>(n, "plop", path, c.plop);
  c.modulation_frequency = get<int64_t>(n, "modulation_frequency", path, c.modulation_frequency);
  c.modulation_index = get<int>(n, "modulation_index", path, c.modulation_index);
  c.subcarrier_to_bit_rate_ratio = get<int>(n, "subcarrier_to_bit_rate_ratio", path, c.subcarrier_to_bit_rate_ratio);
  c.clcw_physical_channel = get<std::string>(n, "clcw_physical_channel", path, c.clcw_physical_channel);
  if (const YAML::Node g = n["clcw_global_vcid"]) {
    RequestedGvcid v;
    v.scid = get<int>(g, "scid", path + ".clcw_global_vcid", 0);
    v.tfvn = get<int>(g, "tfvn", path + ".clcw_global_vcid", 0);
    v.vcid = get<int>(g, "vcid", path + ".clcw_global_vcid", 0);
    c.clcw_global_vcid = v;
  }
  c.max_credential_age_s = get<int>(n, "max_credential_age_s", path, c.max_credential_age_s);
  c.permitted_quality = get<std::vector<int>>(n, "permitted_quality", path, c.permitted_quality);
  if (const YAML::Node g = n["permitted_gvcids"]) {
    if (!g.IsSequence()) bad(path + ".permitted_gvcids", "list expected");
    for (size_t i = 0; i < g.size(); ++i) {
      const std::string gp = path + ".permitted_gvcids[" + std::to_string(i) + "]";
      RequestedGvcid v;
      v.scid = get<int>(g[i], "scid", gp, 0);
      v.tfvn = get<int>(g[i], "tfvn", gp, 0);
      v.master_channel = get<bool>(g[i], "master_channel", gp, false);
      v.vcid = get<int>(g[i], "vcid", gp, 0);
      if (v.scid < 0 || v.scid > 1023) bad(gp + ".scid", "outside 0..1023");
      if (v.tfvn < 0 || v.tfvn > 3) bad(gp + ".tfvn", "outside 0..3");
      if (v.vcid < 0 || v.vcid > 63) bad(gp + ".vcid", "outside 0..63");
      c.permitted_gvcids.push_back(v);
    }
  }
  c.antenna_id = get<std::string>(n, "antenna_id", path, c.antenna_id);
  c.max_cltu_length = get<int>(n, "max_cltu_length", path, c.max_cltu_length);
  c.cltu_buffer_octets = get<int>(n, "cltu_buffer_octets", path, c.cltu_buffer_octets);
  c.min_delay_us = get<int>(n, "min_delay_us", path, c.min_delay_us);
  c.check_bch = get<bool>(n, "check_bch", path, c.check_bch);
  c.bit_lock_required = get<bool>(n, "bit_lock_required", path, c.bit_lock_required);
  c.rf_available_required = get<bool>(n, "rf_available_required", path, c.rf_available_required);
  if (const YAML::Node h = n["heartbeat"]) {
    const std::string hp = path + ".heartbeat";
    c.tml.min_heartbeat_s = static_cast<uint16_t>(get<int>(h, "min_s", hp, c.tml.min_heartbeat_s));
    c.tml.max_heartbeat_s = static_cast<uint16_t>(get<int>(h, "max_s", hp, c.tml.max_heartbeat_s));
    c.tml.min_dead_factor = static_cast<uint16_t>(get<int>(h, "min_dead_factor", hp, c.tml.min_dead_factor));
    c.tml.max_dead_factor = static_cast<uint16_t>(get<int>(h, "max_dead_factor", hp, c.tml.max_dead_factor));
    c.tml.max_pdu = static_cast<uint32_t>(get<int64_t>(h, "max_pdu", hp, c.tml.max_pdu));
    c.tml.context_timeout_s = get<int>(h, "context_timeout_s", hp, c.tml.context_timeout_s);
  }
  try {
    c.validate();
  } catch (const std::invalid_argument& e) {
    bad(path, e.what());
  }
  return c;
}

}  // namespace

ProviderConfig provider_config_from_yaml(const YAML::Node& node) {
  if (!node.IsMap()) bad("sle", "mapping expected");
  ProviderConfig pc;
  pc.io_threads = get<int>(node, "io_threads", "sle", pc.io_threads);
  const YAML::Node inst = node["instances"];
  if (!inst || !inst.IsSequence()) bad("sle.instances", "list of service instances expected");
  for (size_t i = 0; i < inst.size(); ++i)
    pc.instances.push_back(instance_from(inst[i], "sle.instances[" + std::to_string(i) + "]"));
  pc.validate();
  return pc;
}

UserConfig user_config_from_yaml(const YAML::Node& n) {
  const std::string path = "sle_user";
  if (!n.IsMap()) bad(path, "mapping expected");
  UserConfig u;
  u.host = get<std::string>(n, "host", path, u.host);
  u.port = static_cast<uint16_t>(get<int>(n, "port", path, u.port));
  u.initiator_id = get<std::string>(n, "initiator_id", path, u.initiator_id);
  u.password = hex(n, "password", path);
  u.responder_id = get<std::string>(n, "responder_id", path, u.responder_id);
  u.responder_password = hex(n, "responder_password", path);
  u.service = service_from(get<std::string>(n, "service", path, "raf"), path + ".service");
  if (u.service == ServiceType::rtn_ch_frames) u.responder_port = "RCF_PORT";
  if (u.service == ServiceType::fwd_cltu) u.responder_port = "CLTU_PORT";
  u.responder_port = get<std::string>(n, "responder_port", path, u.responder_port);
  u.sii = get<std::string>(n, "sii", path, u.sii);
  u.version = get<int>(n, "version", path, u.version);
  if (u.version < 1 || u.version > 5) bad(path + ".version", "outside 1..5");
  u.auth = auth_from(get<std::string>(n, "auth", path, "none"), path + ".auth");
  u.heartbeat_s = static_cast<uint16_t>(get<int>(n, "heartbeat_s", path, u.heartbeat_s));
  try {
    u.hash = hash_from_string(get<std::string>(n, "hash", path, "auto"));
  } catch (const std::invalid_argument& e) {
    bad(path + ".hash", e.what());
  }
  u.dead_factor = static_cast<uint16_t>(get<int>(n, "dead_factor", path, u.dead_factor));
  u.return_timeout_ms = get<int>(n, "return_timeout_ms", path, u.return_timeout_ms);
  try {
    ServiceInstanceId::parse(u.sii);
  } catch (const std::invalid_argument& e) {
    bad(path + ".sii", e.what());
  }
  return u;
}

}  // namespace groundlink::sle
