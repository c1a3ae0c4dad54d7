#include "sle/credentials.h"

#include <openssl/sha.h>

#include <random>
#include <stdexcept>

#include "sle/ber.h"

namespace groundlink::sle {

std::vector<uint8_t> encode_hash_input(const std::array<uint8_t, 8>& time, int32_t random, const std::string& user,
                                       const std::vector<uint8_t>& password) {
  std::vector<uint8_t> out;
  BerWriter w(out);
  w.sequence();
  w.octets(TagClass::universal, tag::kOctetString, time.data(), time.size());
  w.integer(random);
  w.visible_string(user);
  w.octets(password);
  w.end();
  return out;
}

std::vector<uint8_t> hash_bytes(HashAlgorithm alg, const std::vector<uint8_t>& data) {
  if (alg == HashAlgorithm::sha1) {
    std::vector<uint8_t> h(SHA_DIGEST_LENGTH);
    SHA1(data.data(), data.size(), h.data());
    return h;
  }
  std::vector<uint8_t> h(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), h.data());
  return h;
}

std::vector<uint8_t> encode_isp1_credentials(const Isp1Credentials& c) {
  std::vector<uint8_t> out;
  BerWriter w(out);
  w.sequence();
  w.octets(TagClass::universal, tag::kOctetString, c.time.data(), c.time.size());
  w.integer(c.random);
  w.octets(c.protected_id);
  w.end();
  return out;
}

Isp1Credentials decode_isp1_credentials(const std::vector<uint8_t>& der) {
  BerReader top(der.data(), der.size());
  const Tlv seq = top.expect(TagClass::universal, tag::kSequence, "ISP1Credentials");
  top.expect_end("credentials");
  BerReader r = top.enter(seq);
  Isp1Credentials c;
  const Tlv t = r.expect(TagClass::universal, tag::kOctetString, "ISP1Credentials.time");
  if (t.length != 8) throw BerError("ISP1Credentials.time is not 8 octets");
  std::copy(t.data, t.data + 8, c.time.begin());
  const int64_t rnd = BerReader::integer(r.expect(TagClass::universal, tag::kInteger, "randomNumber"), "randomNumber");
  if (rnd < 0 || rnd > 0x7fffffff) throw BerError("ISP1Credentials.randomNumber out of 0..2^31-1");
  c.random = static_cast<int32_t>(rnd);
  c.protected_id = BerReader::octets(r.expect(TagClass::universal, tag::kOctetString, "theProtectedIdentifier"),
                                     "theProtectedIdentifier");
  r.expect_end("ISP1Credentials");
  return c;
}

Isp1Credentials make_credentials(HashAlgorithm alg, const std::string& user, const std::vector<uint8_t>& password,
                                 const SleTime& time) {
  thread_local std::mt19937 rng{std::random_device{}()};
  Isp1Credentials c;
  c.time = cds_encode(time);
  c.random = static_cast<int32_t>(rng() & 0x7fffffff);
  c.protected_id = hash_bytes(alg, encode_hash_input(c.time, c.random, user, password));
  return c;
}

const char* to_string(CredentialStatus s) {
  switch (s) {
    case CredentialStatus::ok: return "ok";
    case CredentialStatus::malformed: return "malformed";
    case CredentialStatus::wrong_hash: return "wrong hash";
    case CredentialStatus::stale: return "stale";
  }
  return "?";
}

const char* to_string(HashAlgorithm a) { return a == HashAlgorithm::sha1 ? "SHA-1" : "SHA-256"; }

std::optional<HashAlgorithm> hash_from_string(const std::string& s) {
  if (s == "auto") return std::nullopt;
  if (s == "sha1" || s == "SHA-1") return HashAlgorithm::sha1;
  if (s == "sha256" || s == "SHA-256") return HashAlgorithm::sha256;
  throw std::invalid_argument("'" + s + "' is not auto, sha1 or sha256");
}

CredentialStatus check_credentials(const std::vector<uint8_t>& der, const std::string& user,
                                   const std::vector<uint8_t>& password, int version, const SleTime& now, int max_age_s,
                                   HashAlgorithm* used) {
  Isp1Credentials c;
  SleTime t;
  try {
    c = decode_isp1_credentials(der);
    t = cds_decode(c.time.data(), c.time.size());
  } catch (const std::exception&) {
    return CredentialStatus::malformed;
  }
  HashAlgorithm alg;
  if (c.protected_id.size() == SHA_DIGEST_LENGTH) {
    alg = HashAlgorithm::sha1;
  } else if (c.protected_id.size() == SHA256_DIGEST_LENGTH && version >= 5) {
    alg = HashAlgorithm::sha256;
  } else {
    return CredentialStatus::malformed;
  }
  if (used) *used = alg;
  if (hash_bytes(alg, encode_hash_input(c.time, c.random, user, password)) != c.protected_id)
    return CredentialStatus::wrong_hash;
  if (max_age_s > 0) {
    const int64_t age = now.ns - t.ns;
    const int64_t lim = static_cast<int64_t>(max_age_s) * 1000000000LL;
    if (age > lim || age < -lim) return CredentialStatus::stale;
  }
  return CredentialStatus::ok;
}

std::vector<uint8_t> hex_decode(const std::string& hex) {
  auto nib = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    throw std::invalid_argument(std::string("not a hex digit: ") + ch);
  };
  if (hex.size() % 2) throw std::invalid_argument("odd number of hex digits");
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(nib(hex[2 * i]) << 4 | nib(hex[2 * i + 1]));
  return out;
}

std::string hex_encode(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    s[2 * i] = d[p[i] >> 4];
    s[2 * i + 1] = d[p[i] & 15];
  }
  return s;
}

}  // namespace groundlink::sle
