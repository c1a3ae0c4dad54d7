// Minimal BER (ITU-T X.690) reader and writer for the SLE ASN.1 PDUs (CCSDS 913.1-B ISP1 §3 maps
// every SLE operation to one BER-encoded PDU). The reader accepts definite and indefinite lengths
// and checks every length against the enclosing buffer; the writer produces DER-style minimal
// definite lengths, which is what interoperating peers send.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace groundlink::sle {

/// Malformed or unexpected BER input. Decoders throw it; sessions answer with PEER-ABORT.
class BerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TagClass : uint8_t { universal = 0, application = 1, context = 2, private_ = 3 };

namespace tag {
constexpr uint32_t kBoolean = 1, kInteger = 2, kOctetString = 4, kNull = 5, kOid = 6,
                   kSequence = 16, kSet = 17, kVisibleString = 26;
}  // namespace tag

/// One decoded tag-length-value; `data` points into the reader's buffer.
struct Tlv {
  TagClass cls = TagClass::universal;
  bool constructed = false;
  uint32_t number = 0;
  const uint8_t* begin = nullptr;  ///< first octet of the identifier
  const uint8_t* data = nullptr;
  size_t length = 0;      ///< content octets (for indefinite length: up to the end-of-contents)
  size_t total = 0;       ///< header + content (+ end-of-contents) octets
  bool is(TagClass c, uint32_t n) const { return cls == c && number == n; }
  bool ctx(uint32_t n) const { return cls == TagClass::context && number == n; }
  bool universal(uint32_t n) const { return cls == TagClass::universal && number == n; }
};

/// Sequential reader over a byte range (the contents of one constructed value).
class BerReader {
 public:
  BerReader(const uint8_t* data, size_t size, int depth = 0) : p_(data), end_(data + size), depth_(depth) {}
  explicit BerReader(const Tlv& t, int depth = 1) : BerReader(t.data, t.length, depth) {}

  bool at_end() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  /// Decodes the next TLV without consuming it.
  Tlv peek() const;
  /// Decodes and consumes the next TLV. Throws BerError when none is left or it is malformed.
  Tlv read();
  /// read() and check the tag; `what` names the field in the error message.
  Tlv expect(TagClass cls, uint32_t number, const char* what);
  /// Throws unless every octet was consumed (no trailing garbage inside a SEQUENCE).
  void expect_end(const char* what) const;
  /// Nested reader over a constructed value's contents.
  BerReader enter(const Tlv& t) const;

  // Typed readers on a TLV whose tag was checked by the caller (implicit tagging).
  static int64_t integer(const Tlv& t, const char* what);
  static void null(const Tlv& t, const char* what);
  static std::string string(const Tlv& t, const char* what);
  static std::vector<uint8_t> octets(const Tlv& t, const char* what);
  static std::vector<uint32_t> oid(const Tlv& t, const char* what);

  static constexpr int kMaxDepth = 32;

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  int depth_;
};

/// Parses one TLV at `p` (at most `n` octets). Throws BerError on any inconsistency.
Tlv ber_parse(const uint8_t* p, size_t n, int depth = 0);

/// Appending writer. Constructed values are opened with begin() and closed with end(); the length
/// is patched in at end() (content moved when the reserved length field was too short).
class BerWriter {
 public:
  explicit BerWriter(std::vector<uint8_t>& out) : out_(out) {}

  /// Opens a constructed value; `size_hint` reserves the length field for that many octets.
  void begin(TagClass cls, uint32_t number, size_t size_hint = 0);
  void end();
  void sequence(size_t size_hint = 0) { begin(TagClass::universal, tag::kSequence, size_hint); }

  void integer(TagClass cls, uint32_t number, int64_t v);
  void integer(int64_t v) { integer(TagClass::universal, tag::kInteger, v); }
  void null(TagClass cls, uint32_t number) { header(cls, false, number, 0); }
  void octets(TagClass cls, uint32_t number, const uint8_t* p, size_t n);
  void octets(const std::vector<uint8_t>& v) { octets(TagClass::universal, tag::kOctetString, v.data(), v.size()); }
  void visible_string(const std::string& s, TagClass cls = TagClass::universal, uint32_t number = tag::kVisibleString);
  void oid(const std::vector<uint32_t>& arcs);
  /// Appends already-encoded octets (a nested PDU encoded elsewhere).
  void raw(const uint8_t* p, size_t n) { out_.insert(out_.end(), p, p + n); }

  void header(TagClass cls, bool constructed, uint32_t number, size_t length);
  size_t depth() const { return stack_.size(); }

 private:
  struct Open { size_t len_pos; size_t len_bytes; };
  std::vector<uint8_t>& out_;
  std::vector<Open> stack_;
};

/// Octets needed for a definite length field of value `len`.
size_t ber_length_size(size_t len);

}  // namespace groundlink::sle
