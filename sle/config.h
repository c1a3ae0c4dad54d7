// Provider configuration: one ServiceInstanceConfig per SLE service instance (RAF or RCF).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sle/credentials.h"
#include "sle/pdu.h"
#include "sle/tml_endpoint.h"

namespace groundlink::sle {

/// ISP1 authentication level (913.1-B-2 §3.1.3): none, BIND operations only, every operation.
enum class AuthMode { none, bind, all };
const char* to_string(AuthMode m);
AuthMode auth_mode_from_string(const std::string& s);  ///< "none" / "bind" / "all"; throws std::invalid_argument

struct PeerConfig {
  std::string id;                  ///< initiator identifier (user name)
  std::vector<uint8_t> password;   ///< ISP1 password octets
  /// Hash of this peer's credentials (ISP1 annex: SHA-1 before v5, SHA-256 from v5 — but deployed
  /// v5 peers also use SHA-1). nullopt = accept what the peer sends and answer with the same.
  /// A set value is required of the peer and used for our credentials.
  std::optional<HashAlgorithm> hash;
};

struct ServiceInstanceConfig {
  std::string sii = "sagr=1.spack=1.rsl-fg=1.raf=onlt1";  ///< service instance identifier (ASCII form)
  ServiceType service = ServiceType::rtn_all_frames;
  std::string responder_port = "RAF_PORT";  ///< logical responder port named in BIND
  std::string host = "0.0.0.0";             ///< TCP listen address
  uint16_t port = 0;                        ///< TCP port; 0 = ephemeral (read back with SleProvider::port)
  std::string responder_id = "groundlink";  ///< our authority identifier in BIND returns
  std::vector<uint8_t> responder_password;  ///< for our credentials when auth != none
  AuthMode auth = AuthMode::none;
  std::vector<PeerConfig> users;            ///< allowed initiators; empty + auth none = anyone
  std::vector<int> versions = {2, 3, 4, 5}; ///< accepted SLE versions (1..5)
  DeliveryMode delivery = DeliveryMode::timely_online;
  int buffer_size = 20;                     ///< frames per TRANSFER-BUFFER (1..10000)
  int latency_limit_ms = 1000;              ///< timely mode: a partial buffer goes out after this (1..600000)
  int max_backlog_buffers = 64;             ///< buffers queued per user before discarding (timely) or blocking (complete)
  int return_timeout_s = 180;               ///< reported as returnTimeoutPeriod
  /// Shortest periodic STATUS-REPORT cycle (1..600). ReportingCycle is INTEGER (2..600) in the
  /// ASN.1, but jsle users ask for 1 s and the jsle provider grants it: 1 is allowed for them.
  int min_reporting_cycle_s = 2;
  int max_credential_age_s = 180;           ///< ISP1 acceptable delay for credentials; <= 0 disables
  std::vector<int> permitted_quality = {0, 1, 2};
  std::vector<RequestedGvcid> permitted_gvcids;  ///< RCF: channels users may select (empty = any)
  std::string antenna_id = "groundlink";    ///< AntennaId localForm in annotated frames (1..16 octets)
  // Forward CLTU (service = fwd_cltu, 912.1-B) only:
  int max_cltu_length = 4096;               ///< maximumSlduLength, octets (16..65535)
  int cltu_buffer_octets = 65536;           ///< reported as cltuBufferAvailable
  int min_delay_us = 0;                     ///< minimumDelayTime between CLTUs
  bool check_bch = true;                    ///< reject CLTUs whose BCH code blocks do not check (cltuError)
  bool bit_lock_required = false;
  bool rf_available_required = false;
  // Reported by GET-PARAMETER (912.1-B §3.10): the uplink's settings as configured on the station.
  int acquisition_sequence_length = 16;     ///< octets of the PLOP acquisition sequence (0..65535)
  int plop1_idle_sequence_length = 0;       ///< octets of idle sequence after a CLTU in PLOP-1 (0..65535)
  int plop = 1;                             ///< PLOP in effect: 1 or 2
  int64_t modulation_frequency = 16000 * 10;  ///< subcarrier frequency, 1/10 Hz (1..2^32-1)
  int modulation_index = 1000;              ///< milliradians (1..32767)
  int subcarrier_to_bit_rate_ratio = 8;     ///< 1 = no subcarrier (1..32767)
  std::optional<RequestedGvcid> clcw_global_vcid;  ///< where the CLCW comes from (unset: not configured)
  std::string clcw_physical_channel;        ///< return RF channel of the CLCW, 1..32 chars (empty: not configured)
  TmlSettings tml;

  /// Throws std::invalid_argument naming the field and its allowed range.
  void validate() const;
};

struct ProviderConfig {
  std::vector<ServiceInstanceConfig> instances;
  int io_threads = 1;
  void validate() const;
};

}  // namespace groundlink::sle
