// YAML form of the SLE provider and user configuration (yaml-cpp). Example:
//
//   io_threads: 1
//   instances:
//     - sii: "sagr=1.spack=1.rsl-fg=1.raf=onlt1"
//       service: raf                 # raf | rcf | cltu
//       responder_port: RAF_PORT     # logical port named in BIND
//       host: 0.0.0.0
//       port: 5100
//       responder_id: groundlink
//       responder_password: "ab0102030405060708090a0b0c0d0e0f"   # hex
//       auth: bind                   # none | bind | all
//       users: [{id: mertens, password: "000102030405060708090a0b0c0d0e0f", hash: auto}]  # auto | sha1 | sha256
//       max_credential_age_s: 180    # ISP1 acceptable credential delay; <= 0: not checked
//       versions: [2, 3, 4, 5]
//       delivery: timely             # timely | complete | offline
//       buffer_size: 20
//       latency_limit_ms: 1000
//       max_backlog_buffers: 64
//       permitted_gvcids: [{scid: 171, tfvn: 0, vcid: 1}, {scid: 171, tfvn: 0, master_channel: true}]
//       heartbeat: {min_s: 0, max_s: 3600, min_dead_factor: 2, max_dead_factor: 60}
//       # CLTU only: max_cltu_length, min_delay_us, acquisition_sequence_length,
//       # plop1_idle_sequence_length, plop (1|2), modulation_frequency (1/10 Hz), modulation_index
//       # (mrad), subcarrier_to_bit_rate_ratio, clcw_global_vcid {scid, tfvn, vcid}, clcw_physical_channel
//
// Every key but sii is optional (defaults of ServiceInstanceConfig). Errors throw
// std::invalid_argument naming the key path and the allowed values.
#pragma once

#include <yaml-cpp/yaml.h>

#include "sle/config.h"
#include "sle/user.h"

namespace groundlink::sle {

ProviderConfig provider_config_from_yaml(const YAML::Node& node);
/// Keys: host, port, initiator_id, password, responder_id, responder_password, responder_port, sii,
/// service, version, auth, hash (auto | sha1 | sha256), heartbeat_s, dead_factor, return_timeout_ms.
UserConfig user_config_from_yaml(const YAML::Node& node);

}  // namespace groundlink::sle
