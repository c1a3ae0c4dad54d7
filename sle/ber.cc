#include "sle/ber.h"

#include <cstring>

namespace groundlink::sle {

namespace {
[[noreturn]] void fail(const std::string& what) { throw BerError("BER: " + what); }
}  // namespace

Tlv ber_parse(const uint8_t* p, size_t n, int depth) {
  if (depth > BerReader::kMaxDepth) fail("nesting deeper than 32");
  if (n < 2) fail("truncated TLV header");
  Tlv t;
  t.begin = p;
  size_t i = 0;
  const uint8_t id = p[i++];
  t.cls = static_cast<TagClass>(id >> 6);
  t.constructed = (id & 0x20) != 0;
  t.number = id & 0x1f;
  if (t.number == 0x1f) {  // X.690 §8.1.2.4: high tag number, base-128 with continuation bit
    t.number = 0;
    for (int k = 0;; ++k) {
      if (i >= n) fail("truncated high tag number");
      if (k >= 4) fail("tag number too large");
      const uint8_t b = p[i++];
      t.number = (t.number << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (i >= n) fail("truncated length");
  const uint8_t l0 = p[i++];
  if (l0 == 0x80) {  // X.690 §8.1.3.6: indefinite form, constructed only, ends with 00 00
    if (!t.constructed) fail("indefinite length on a primitive value");
    const size_t start = i;
    for (;;) {
      if (n - i < 2) fail("missing end-of-contents");
      if (p[i] == 0 && p[i + 1] == 0) break;
      const Tlv child = ber_parse(p + i, n - i, depth + 1);
      i += child.total;
    }
    t.data = p + start;
    t.length = i - start;
    t.total = i + 2;
    return t;
  }
  size_t len = 0;
  if (l0 & 0x80) {
    const size_t k = l0 & 0x7f;
    if (k > 4) fail("length field longer than 4 octets");
    if (n - i < k) fail("truncated length");
    for (size_t j = 0; j < k; ++j) len = (len << 8) | p[i++];
  } else {
    len = l0;
  }
  if (len > n - i) fail("length " + std::to_string(len) + " exceeds the " + std::to_string(n - i) + " octets left");
  t.data = p + i;
  t.length = len;
  t.total = i + len;
  return t;
}

Tlv BerReader::peek() const {
  if (p_ == end_) fail("unexpected end of value");
  return ber_parse(p_, remaining(), depth_);
}

Tlv BerReader::read() {
  Tlv t = peek();
  p_ += t.total;
  return t;
}

Tlv BerReader::expect(TagClass cls, uint32_t number, const char* what) {
  if (p_ == end_) fail(std::string("missing ") + what);
  Tlv t = read();
  if (!t.is(cls, number))
    fail(std::string("unexpected tag [") + std::to_string(static_cast<int>(t.cls)) + ":" +
         std::to_string(t.number) + "] for " + what);
  return t;
}

void BerReader::expect_end(const char* what) const {
  if (p_ != end_) fail(std::string("trailing octets in ") + what);
}

BerReader BerReader::enter(const Tlv& t) const {
  if (!t.constructed) fail("primitive value where a constructed one was expected");
  return BerReader(t.data, t.length, depth_ + 1);
}

int64_t BerReader::integer(const Tlv& t, const char* what) {
  if (t.constructed || t.length == 0 || t.length > 8) fail(std::string("bad INTEGER ") + what);
  int64_t v = (t.data[0] & 0x80) ? -1 : 0;
  for (size_t i = 0; i < t.length; ++i) v = static_cast<int64_t>((static_cast<uint64_t>(v) << 8) | t.data[i]);
  return v;
}

void BerReader::null(const Tlv& t, const char* what) {
  if (t.constructed || t.length != 0) fail(std::string("bad NULL ") + what);
}

std::string BerReader::string(const Tlv& t, const char* what) {
  if (t.constructed) fail(std::string("constructed string not supported: ") + what);
  return std::string(reinterpret_cast<const char*>(t.data), t.length);
}

std::vector<uint8_t> BerReader::octets(const Tlv& t, const char* what) {
  if (t.constructed) fail(std::string("constructed OCTET STRING not supported: ") + what);
  return std::vector<uint8_t>(t.data, t.data + t.length);
}

std::vector<uint32_t> BerReader::oid(const Tlv& t, const char* what) {
  if (t.constructed || t.length == 0) fail(std::string("bad OBJECT IDENTIFIER ") + what);
  std::vector<uint32_t> arcs;
  uint64_t v = 0;
  int k = 0;
  for (size_t i = 0; i < t.length; ++i) {
    v = (v << 7) | (t.data[i] & 0x7f);
    if (++k > 5 || v > 0xffffffffu) fail(std::string("OID arc too large in ") + what);
    if (!(t.data[i] & 0x80)) {
      if (arcs.empty()) {  // X.690 §8.19.4: first two arcs packed as 40*a + b
        const uint32_t a = v < 80 ? static_cast<uint32_t>(v / 40) : 2;
        arcs.push_back(a);
        arcs.push_back(static_cast<uint32_t>(v - 40 * a));
      } else {
        arcs.push_back(static_cast<uint32_t>(v));
      }
      v = 0;
      k = 0;
    }
  }
  if (k != 0) fail(std::string("truncated OID arc in ") + what);
  return arcs;
}

size_t ber_length_size(size_t len) {
  if (len < 0x80) return 1;
  if (len <= 0xff) return 2;
  if (len <= 0xffff) return 3;
  if (len <= 0xffffff) return 4;
  return 5;
}

namespace {
void put_length(uint8_t* p, size_t len, size_t bytes) {
  if (bytes == 1) {
    p[0] = static_cast<uint8_t>(len);
    return;
  }
  p[0] = static_cast<uint8_t>(0x80 | (bytes - 1));
  for (size_t i = 1; i < bytes; ++i) p[i] = static_cast<uint8_t>(len >> (8 * (bytes - 1 - i)));
}

void put_identifier(std::vector<uint8_t>& out, TagClass cls, bool constructed, uint32_t number) {
  const uint8_t lead = static_cast<uint8_t>((static_cast<uint8_t>(cls) << 6) | (constructed ? 0x20 : 0));
  if (number < 31) {
    out.push_back(static_cast<uint8_t>(lead | number));
    return;
  }
  out.push_back(static_cast<uint8_t>(lead | 0x1f));
  uint8_t tmp[5];
  int k = 0;
  do {
    tmp[k++] = number & 0x7f;
    number >>= 7;
  } while (number);
  while (k > 0) {
    --k;
    out.push_back(static_cast<uint8_t>(tmp[k] | (k ? 0x80 : 0)));
  }
}
}  // namespace

void BerWriter::header(TagClass cls, bool constructed, uint32_t number, size_t length) {
  put_identifier(out_, cls, constructed, number);
  const size_t bytes = ber_length_size(length);
  const size_t pos = out_.size();
  out_.resize(pos + bytes);
  put_length(out_.data() + pos, length, bytes);
}

void BerWriter::begin(TagClass cls, uint32_t number, size_t size_hint) {
  put_identifier(out_, cls, true, number);
  const size_t bytes = ber_length_size(size_hint);
  stack_.push_back({out_.size(), bytes});
  out_.resize(out_.size() + bytes);
}

void BerWriter::end() {
  if (stack_.empty()) throw std::logic_error("BerWriter::end without begin");
  const Open o = stack_.back();
  stack_.pop_back();
  const size_t content_start = o.len_pos + o.len_bytes;
  const size_t len = out_.size() - content_start;
  const size_t need = ber_length_size(len);
  if (need != o.len_bytes) {  // hint was wrong: move the contents so the length stays minimal
    if (need > o.len_bytes) {
      out_.resize(out_.size() + (need - o.len_bytes));
      std::memmove(out_.data() + o.len_pos + need, out_.data() + content_start, len);
    } else {
      std::memmove(out_.data() + o.len_pos + need, out_.data() + content_start, len);
      out_.resize(out_.size() - (o.len_bytes - need));
    }
  }
  put_length(out_.data() + o.len_pos, len, need);
}

void BerWriter::integer(TagClass cls, uint32_t number, int64_t v) {
  uint8_t tmp[8];
  int n = 8;
  for (int i = 7; i >= 0; --i) tmp[i] = static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * (7 - i)));
  int s = 0;  // X.690 §8.3.2: drop redundant leading 0x00 / 0xff octets
  while (s < 7 && ((tmp[s] == 0x00 && !(tmp[s + 1] & 0x80)) || (tmp[s] == 0xff && (tmp[s + 1] & 0x80)))) ++s;
  n = 8 - s;
  header(cls, false, number, static_cast<size_t>(n));
  out_.insert(out_.end(), tmp + s, tmp + 8);
}

void BerWriter::octets(TagClass cls, uint32_t number, const uint8_t* p, size_t n) {
  header(cls, false, number, n);
  out_.insert(out_.end(), p, p + n);
}

void BerWriter::visible_string(const std::string& s, TagClass cls, uint32_t number) {
  octets(cls, number, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

void BerWriter::oid(const std::vector<uint32_t>& arcs) {
  if (arcs.size() < 2) throw std::invalid_argument("OID needs at least two arcs");
  std::vector<uint8_t> body;
  auto put = [&](uint64_t v) {
    uint8_t tmp[10];
    int k = 0;
    do {
      tmp[k++] = v & 0x7f;
      v >>= 7;
    } while (v);
    while (k > 0) {
      --k;
      body.push_back(static_cast<uint8_t>(tmp[k] | (k ? 0x80 : 0)));
    }
  };
  put(static_cast<uint64_t>(arcs[0]) * 40 + arcs[1]);
  for (size_t i = 2; i < arcs.size(); ++i) put(arcs[i]);
  octets(TagClass::universal, tag::kOid, body.data(), body.size());
}

}  // namespace groundlink::sle
