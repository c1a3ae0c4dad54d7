// SLE time codes and ISP1 simple authentication (CCSDS 913.1-B-2 §3.1.3 / annex on security).
// Credentials = DER of ISP1Credentials { time, randomNumber, theProtectedIdentifier }, where the
// protected identifier is SHA-1 (SLE versions 1..4) or SHA-256 (version 5) of the DER of
// HashInput { time, randomNumber, userName, passWord }. `time` is a CCSDS CDS time code
// (CCSDS 301.0-B §3.3: 2 octets days since 1958-01-01, 4 octets ms of day, 2 octets µs of ms).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sle/time.h"

namespace groundlink::sle {

enum class HashAlgorithm { sha1, sha256 };
const char* to_string(HashAlgorithm a);
/// "sha1" / "sha256"; "auto" gives nullopt (follow the version / the peer). Throws std::invalid_argument.
std::optional<HashAlgorithm> hash_from_string(const std::string& s);
/// ISP1: SHA-1 up to SLE version 4, SHA-256 from version 5.
inline HashAlgorithm hash_for_version(int version) { return version >= 5 ? HashAlgorithm::sha256 : HashAlgorithm::sha1; }

struct Isp1Credentials {
  std::array<uint8_t, 8> time{};
  int32_t random = 0;
  std::vector<uint8_t> protected_id;
};

std::vector<uint8_t> encode_hash_input(const std::array<uint8_t, 8>& time, int32_t random,
                                       const std::string& user, const std::vector<uint8_t>& password);
std::vector<uint8_t> hash_bytes(HashAlgorithm alg, const std::vector<uint8_t>& data);
std::vector<uint8_t> encode_isp1_credentials(const Isp1Credentials& c);
/// Throws BerError when `der` is not an ISP1Credentials value.
Isp1Credentials decode_isp1_credentials(const std::vector<uint8_t>& der);

/// New credentials for `user` at `time_ps` with a fresh random number.
Isp1Credentials make_credentials(HashAlgorithm alg, const std::string& user, const std::vector<uint8_t>& password,
                                 const SleTime& time);

enum class CredentialStatus { ok, malformed, wrong_hash, stale };
const char* to_string(CredentialStatus s);

/// Checks received credentials. The hash algorithm follows the protected identifier's length
/// (20 octets SHA-1, 32 octets SHA-256); `version` >= 5 accepts both because deployed version-5
/// peers still send SHA-1, below 5 only SHA-1. `max_age_s` <= 0 disables the staleness check
/// (§3.1.3: credentials older than the acceptable delay are rejected to stop replays).
CredentialStatus check_credentials(const std::vector<uint8_t>& der, const std::string& user,
                                   const std::vector<uint8_t>& password, int version, const SleTime& now,
                                   int max_age_s, HashAlgorithm* used = nullptr);

/// Parses "000102..." into bytes; throws std::invalid_argument on odd length or a non-hex digit.
std::vector<uint8_t> hex_decode(const std::string& hex);
std::string hex_encode(const uint8_t* p, size_t n);
inline std::string hex_encode(const std::vector<uint8_t>& v) { return hex_encode(v.data(), v.size()); }

}  // namespace groundlink::sle
