#include "sle/pdu.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <stdexcept>

#include "sle/credentials.h"

namespace groundlink::sle {

namespace {
constexpr TagClass kCtx = TagClass::context;
constexpr TagClass kUni = TagClass::universal;

[[noreturn]] void fail(const std::string& s) { throw BerError("SLE PDU: " + s); }

// ---- SII attribute names: OID 1.3.112.4.3.1.2.<n> (CCSDS 910.4 / 913.1 service instance ids)
const std::map<uint32_t, std::string>& sii_names() {
  static const std::map<uint32_t, std::string> m = {{52, "sagr"}, {53, "spack"}, {38, "rsl-fg"}, {14, "fsl-fg"},
                                                    {22, "raf"},  {46, "rcf"},   {7, "cltu"},    {49, "rocf"},
                                                    {40, "rsp"},  {10, "fsp"}};
  return m;
}
const std::vector<uint32_t> kSiiPrefix = {1, 3, 112, 4, 3, 1, 2};

// ---- common pieces
Credentials read_credentials(BerReader& r) {
  const Tlv t = r.read();
  if (t.ctx(0)) {
    BerReader::null(t, "credentials.unused");
    return {};
  }
  if (t.ctx(1)) {
    if (t.length == 0) fail("empty used credentials");
    return BerReader::octets(t, "credentials.used");
  }
  fail("credentials: unexpected tag");
}
void write_credentials(BerWriter& w, const Credentials& c) {
  if (c.empty())
    w.null(kCtx, 0);
  else
    w.octets(kCtx, 1, c.data(), c.size());
}

// An INTEGER stored in an int: out-of-range values are malformed input, not silently truncated
// (a reporting cycle of 2^32 + 5 must not become 5).
int tlv_int(const Tlv& t, const char* what, int64_t lo = INT32_MIN, int64_t hi = INT32_MAX) {
  const int64_t v = BerReader::integer(t, what);
  if (v < lo || v > hi) fail(std::string(what) + " out of range");
  return static_cast<int>(v);
}

int64_t read_int(BerReader& r, const char* what) { return BerReader::integer(r.expect(kUni, tag::kInteger, what), what); }
int64_t read_int_range(BerReader& r, const char* what, int64_t lo, int64_t hi) {
  const int64_t v = read_int(r, what);
  if (v < lo || v > hi) fail(std::string(what) + " out of range");
  return v;
}

SleTime time_from_tlv(const Tlv& t) {
  SleTime s;
  if (!((t.ctx(0) && !t.constructed && t.length == 8) || (t.ctx(1) && !t.constructed && t.length == 10)))
    fail("bad Time");
  try {
    s = cds_decode(t.data, t.length);
  } catch (const std::invalid_argument& e) {
    fail(std::string("Time: ") + e.what());
  }
  return s;
}
SleTime read_time(BerReader& r) { return time_from_tlv(r.read()); }
void write_time(BerWriter& w, const SleTime& t, int version) {
  if (t.pico && version >= 3) {  // ccsdsPicoFormat exists from SLE version 3 (911.1-B-3)
    const auto b = cds_pico_encode(t);
    w.octets(kCtx, 1, b.data(), b.size());
  } else {
    const auto b = cds_encode(t);
    w.octets(kCtx, 0, b.data(), b.size());
  }
}
std::optional<SleTime> read_conditional_time(BerReader& r) {
  const Tlv t = r.read();
  if (t.ctx(0)) {
    BerReader::null(t, "ConditionalTime.undefined");
    return std::nullopt;
  }
  if (t.ctx(1) && t.constructed) {  // known [1] Time: explicit (Time is a CHOICE)
    BerReader in(t, 2);
    const SleTime s = read_time(in);
    in.expect_end("ConditionalTime.known");
    return s;
  }
  fail("bad ConditionalTime");
}
void write_conditional_time(BerWriter& w, const std::optional<SleTime>& t, int version) {
  if (!t) {
    w.null(kCtx, 0);
    return;
  }
  w.begin(kCtx, 1, 12);
  write_time(w, *t, version);
  w.end();
}

// result CHOICE { positiveResult [0] NULL, negativeResult [1] <diag> }; `choice_diag` when the
// diagnostic is a CHOICE { common [0], specific [1] } (explicitly tagged then).
OpResult read_result(BerReader& r, bool choice_diag) {
  const Tlv t = r.read();
  if (t.ctx(0)) {
    BerReader::null(t, "positiveResult");
    return OpResult::ok();
  }
  if (!t.ctx(1)) fail("bad result tag");
  if (!choice_diag) return OpResult::common(tlv_int(t, "negativeResult"));
  BerReader in(t, 2);
  const Tlv d = in.read();
  in.expect_end("negativeResult");
  if (!d.ctx(0) && !d.ctx(1)) fail("bad diagnostic choice");
  OpResult o;
  o.positive = false;
  o.specific = d.ctx(1);
  o.code = tlv_int(d, "diagnostic");
  return o;
}
void write_result(BerWriter& w, const OpResult& res, bool choice_diag) {
  if (res.positive) {
    w.null(kCtx, 0);
  } else if (!choice_diag) {
    w.integer(kCtx, 1, res.code);
  } else {
    w.begin(kCtx, 1);
    w.integer(kCtx, res.specific ? 1 : 0, res.code);
    w.end();
  }
}

// ---- SII
ServiceInstanceId read_sii(BerReader& r) {
  ServiceInstanceId sii;
  BerReader seq = r.enter(r.expect(kUni, tag::kSequence, "serviceInstanceIdentifier"));
  while (!seq.at_end()) {
    BerReader set = seq.enter(seq.expect(kUni, tag::kSet, "ServiceInstanceAttribute"));
    BerReader inner = set.enter(set.expect(kUni, tag::kSequence, "ServiceInstanceAttribute element"));
    set.expect_end("ServiceInstanceAttribute (SIZE 1)");
    SiiAttribute a;
    a.oid = BerReader::oid(inner.expect(kUni, tag::kOid, "identifier"), "identifier");
    a.value = BerReader::string(inner.expect(kUni, tag::kVisibleString, "siAttributeValue"), "siAttributeValue");
    inner.expect_end("ServiceInstanceAttribute element");
    sii.attributes.push_back(std::move(a));
  }
  if (sii.attributes.empty()) fail("empty service instance identifier");
  return sii;
}
void write_sii(BerWriter& w, const ServiceInstanceId& sii) {
  w.sequence();
  for (const auto& a : sii.attributes) {
    w.begin(kUni, tag::kSet);
    w.sequence();
    w.oid(a.oid);
    w.visible_string(a.value);
    w.end();
    w.end();
  }
  w.end();
}

// ---- RCF GvcId ::= SEQUENCE { spacecraftId, versionNumber, vcId CHOICE { masterChannel [0] NULL, virtualChannel [1] VcId } }
RequestedGvcid read_gvcid_body(BerReader& in) {
  RequestedGvcid g;
  g.scid = static_cast<int>(read_int_range(in, "spacecraftId", 0, 1023));
  g.tfvn = static_cast<int>(read_int_range(in, "versionNumber", 0, 3));
  const Tlv v = in.read();
  if (v.ctx(0)) {
    BerReader::null(v, "masterChannel");
    g.master_channel = true;
  } else if (v.ctx(1)) {
    g.vcid = tlv_int(v, "virtualChannel");
    if (g.vcid < 0 || g.vcid > 63) fail("virtualChannel out of 0..63");
  } else {
    fail("bad vcId choice");
  }
  in.expect_end("GvcId");
  return g;
}
void write_gvcid_body(BerWriter& w, const RequestedGvcid& g) {
  w.integer(g.scid);
  w.integer(g.tfvn);
  if (g.master_channel)
    w.null(kCtx, 0);
  else
    w.integer(kCtx, 1, g.vcid);
}
void write_gvcid(BerWriter& w, const RequestedGvcid& g) {
  w.sequence();
  write_gvcid_body(w, g);
  w.end();
}

// ---- operations
BindInvocation dec_bind_inv(BerReader& r) {
  BindInvocation b;
  b.credentials = read_credentials(r);
  b.initiator = BerReader::string(r.expect(kUni, tag::kVisibleString, "initiatorIdentifier"), "initiatorIdentifier");
  b.responder_port =
      BerReader::string(r.expect(kUni, tag::kVisibleString, "responderPortIdentifier"), "responderPortIdentifier");
  b.service_type = static_cast<int>(read_int_range(r, "serviceType", 0, 127));
  b.version = static_cast<int>(read_int_range(r, "versionNumber", 1, 32767));
  b.sii = read_sii(r);
  return b;
}
BindReturn dec_bind_ret(BerReader& r) {
  BindReturn b;
  b.credentials = read_credentials(r);
  b.responder = BerReader::string(r.expect(kUni, tag::kVisibleString, "responderIdentifier"), "responderIdentifier");
  const Tlv t = r.read();
  if (!t.ctx(0) && !t.ctx(1)) fail("bad BIND result");
  b.positive = t.ctx(0);
  b.value = tlv_int(t, "BIND result");
  return b;
}

AnnotatedFrame dec_frame(const Tlv& item, ServiceType service) {
  BerReader r(item, 3);
  AnnotatedFrame f;
  f.credentials = read_credentials(r);
  f.ert = read_time(r);
  const Tlv ant = r.read();
  if (ant.ctx(0)) {
    f.antenna_global = true;
    BerReader::oid(ant, "antennaId.globalForm");  // validates
    f.antenna.assign(ant.data, ant.data + ant.length);
  } else if (ant.ctx(1)) {
    if (ant.length < 1 || ant.length > 16) fail("antennaId.localForm size outside 1..16");
    f.antenna = BerReader::octets(ant, "antennaId.localForm");
  } else {
    fail("bad antennaId");
  }
  f.continuity = static_cast<int>(read_int_range(r, "dataLinkContinuity", -1, 16777215));
  if (service == ServiceType::rtn_all_frames)
    f.quality = static_cast<int>(read_int_range(r, "deliveredFrameQuality", 0, 2));
  const Tlv pa = r.read();
  if (pa.ctx(0)) {
    BerReader::null(pa, "privateAnnotation.null");
  } else if (pa.ctx(1)) {
    if (pa.length < 1 || pa.length > 128) fail("privateAnnotation size outside 1..128");
    f.private_annotation = BerReader::octets(pa, "privateAnnotation");
  } else {
    fail("bad privateAnnotation");
  }
  f.data = BerReader::octets(r.expect(kUni, tag::kOctetString, "data"), "data");
  r.expect_end("TransferDataInvocation");
  return f;
}

SyncNotification dec_sync(const Tlv& item) {
  BerReader r(item, 3);
  SyncNotification s;
  s.credentials = read_credentials(r);
  const Tlv n = r.read();
  r.expect_end("SyncNotifyInvocation");
  if (n.ctx(0) && n.constructed) {
    s.kind = SyncNotification::Kind::loss_frame_sync;
    BerReader in(n, 4);
    s.time = read_time(in);
    s.carrier = static_cast<int>(read_int_range(in, "carrierLockStatus", 0, 3));
    s.subcarrier = static_cast<int>(read_int_range(in, "subcarrierLockStatus", 0, 3));
    s.symbol_sync = static_cast<int>(read_int_range(in, "symbolSyncLockStatus", 0, 3));
    in.expect_end("LockStatusReport");
  } else if (n.ctx(1)) {
    s.kind = SyncNotification::Kind::production_status_change;
    s.production = tlv_int(n, "productionStatusChange", 0, 2);
  } else if (n.ctx(2)) {
    s.kind = SyncNotification::Kind::excessive_data_backlog;
    BerReader::null(n, "excessiveDataBacklog");
  } else if (n.ctx(3)) {
    s.kind = SyncNotification::Kind::end_of_data;
    BerReader::null(n, "endOfData");
  } else {
    fail("bad notification choice");
  }
  return s;
}

}  // namespace

// GET-PARAMETER positive result choice tags per service and SLE version. The CHOICEs were
// renumbered between versions: RAF and RCF v5 (911.1-B-4 / 911.2-B-3) add parPermittedFrameQuality
// [6] and parMinReportingCycle [7] (RCF: [7]) to the v1..v4 choices; CLTU v1..v3 (912.1-B-1/2)
// numbers its twelve parameters [0]..[11] in its own order, v4 renumbers them into [0]..[18] and
// v5 (912.1-B-4) adds parMinReportingCycle [19].
int parameter_choice(ServiceType s, int version, int name) {
  if (s == ServiceType::rtn_all_frames) {
    switch (name) {
      case param::kBufferSize: return 0;
      case param::kDeliveryMode: return 1;
      case param::kLatencyLimit: return 2;
      case param::kReportingCycle: return 3;
      case param::kRequestedFrameQuality: return 4;
      case param::kReturnTimeoutPeriod: return 5;
      case param::kPermittedFrameQuality: return version >= 5 ? 6 : -1;
      case param::kMinReportingCycle: return version >= 5 ? 7 : -1;
    }
  } else if (s == ServiceType::rtn_ch_frames) {
    switch (name) {
      case param::kBufferSize: return 0;
      case param::kDeliveryMode: return 1;
      case param::kLatencyLimit: return 2;
      case param::kPermittedGvcidSet: return 3;
      case param::kReportingCycle: return 4;
      case param::kRequestedGvcid: return 5;
      case param::kReturnTimeoutPeriod: return 6;
      case param::kMinReportingCycle: return version >= 5 ? 7 : -1;
    }
  } else if (s == ServiceType::fwd_cltu && version <= 3) {
    switch (name) {  // CltuGetParameterV1toV3
      case param::kBitLockRequired: return 0;
      case param::kExpectedSlduId: return 1;
      case param::kExpectedEventInvocationId: return 2;
      case param::kSubcarrierToBitRateRatio: return 3;
      case param::kDeliveryMode: return 4;
      case param::kMaximumSlduLength: return 5;
      case param::kModulationFrequency: return 6;
      case param::kModulationIndex: return 7;
      case param::kPlopInEffect: return 8;
      case param::kReportingCycle: return 9;
      case param::kReturnTimeoutPeriod: return 10;
      case param::kRfAvailableRequired: return 11;
    }
  } else if (s == ServiceType::fwd_cltu) {
    switch (name) {  // CltuGetParameterV4 ([0]..[18]) and CltuGetParameter (v5, + [19])
      case param::kAcquisitionSequenceLength: return 0;
      case param::kBitLockRequired: return 1;
      case param::kClcwGlobalVcid: return 2;
      case param::kClcwPhysicalChannel: return 3;
      case param::kDeliveryMode: return 4;
      case param::kExpectedSlduId: return 5;
      case param::kExpectedEventInvocationId: return 6;
      case param::kMaximumSlduLength: return 7;
      case param::kMinimumDelayTime: return 8;
      case param::kModulationFrequency: return 9;
      case param::kModulationIndex: return 10;
      case param::kNotificationMode: return 11;
      case param::kPlop1IdleSequenceLength: return 12;
      case param::kPlopInEffect: return 13;
      case param::kProtocolAbortMode: return 14;
      case param::kReportingCycle: return 15;
      case param::kReturnTimeoutPeriod: return 16;
      case param::kRfAvailableRequired: return 17;
      case param::kSubcarrierToBitRateRatio: return 18;
      case param::kMinReportingCycle: return version >= 5 ? 19 : -1;
    }
  }
  return -1;
}

namespace {

// Version 0 (not known to the decoder): the choice must fit one of the version layouts.
bool choice_matches(ServiceType s, int version, int name, uint32_t tag) {
  if (version > 0) return parameter_choice(s, version, name) == static_cast<int>(tag);
  for (int v : {5, 4, 3})
    if (parameter_choice(s, v, name) == static_cast<int>(tag)) return true;
  return false;
}

ParameterValue dec_par_value(BerReader& r, ServiceType service, int version) {
  const Tlv c = r.read();
  r.expect_end("GetParameter result");
  if (c.cls != kCtx || !c.constructed) fail("bad GetParameter choice");
  BerReader in(c, 4);
  ParameterValue p;
  p.name = static_cast<int>(read_int_range(in, "parameterName", 0, 32767));
  if (!choice_matches(service, version, p.name, c.number))
    fail("parameter " + std::to_string(p.name) + " in choice [" + std::to_string(c.number) + "] of version " +
         std::to_string(version));
  const Tlv v = in.read();
  in.expect_end("parameter");
  switch (p.name) {
    case param::kLatencyLimit:  // CHOICE { online [0] IntPosShort, offline [1] NULL }
      if (v.ctx(0)) p.value = tlv_int(v, "latencyLimit.online");
      else if (v.ctx(1)) { BerReader::null(v, "latencyLimit.offline"); p.absent = true; }
      else fail("bad latencyLimit");
      break;
    case param::kReportingCycle:  // CHOICE { periodicReportingOff [0] NULL, periodicReportingOn [1] }
      if (v.ctx(0)) { BerReader::null(v, "periodicReportingOff"); p.absent = true; }
      else if (v.ctx(1)) p.value = tlv_int(v, "periodicReportingOn");
      else fail("bad reportingCycle");
      break;
    case param::kPermittedFrameQuality: {
      if (!v.universal(tag::kSet)) fail("bad permittedFrameQuality");
      BerReader s(v, 5);
      while (!s.at_end()) p.quality_set.push_back(read_int(s, "frameQuality"));
      break;
    }
    case param::kRequestedGvcid: {
      // v1..v4: GvcId; v5: RequestedGvcId ::= CHOICE { gvcid [0] GvcId, undefined [1] NULL }.
      if (v.universal(tag::kSequence) && version < 5) {
        BerReader g(v, 5);
        p.gvcid_set.push_back(read_gvcid_body(g));
      } else if (v.ctx(0) && v.constructed && (version == 0 || version >= 5)) {
        BerReader g(v, 5);
        p.gvcid_set.push_back(read_gvcid_body(g));
      } else if (v.ctx(1) && (version == 0 || version >= 5)) {
        BerReader::null(v, "requestedGvcid.undefined");
        p.absent = true;
      } else {
        fail("bad requestedGvcid");
      }
      break;
    }
    case param::kPermittedGvcidSet: {
      // v1..v4 GvcIdSetV1toV4 ::= SEQUENCE OF; v5 GvcIdSet ::= SET OF MasterChannelComposition.
      const bool ok = version == 0 ? (v.universal(tag::kSequence) || v.universal(tag::kSet))
                                   : v.universal(version >= 5 ? tag::kSet : tag::kSequence);
      if (!ok) fail("bad permittedGvcidSet");
      BerReader s(v, 5);
      while (!s.at_end()) {
        BerReader mc = s.enter(s.expect(kUni, tag::kSequence, "MasterChannelComposition"));
        RequestedGvcid g;
        g.scid = static_cast<int>(read_int_range(mc, "spacecraftId", 0, 1023));
        g.tfvn = static_cast<int>(read_int_range(mc, "versionNumber", 0, 3));
        const Tlv l = mc.read();
        mc.expect_end("MasterChannelComposition");
        if (l.ctx(0)) {
          g.master_channel = true;
          p.gvcid_set.push_back(g);
        } else if (l.ctx(1) && l.constructed) {
          BerReader vcs(l, 6);
          while (!vcs.at_end()) {
            g.vcid = static_cast<int>(read_int_range(vcs, "VcId", 0, 63));
            p.gvcid_set.push_back(g);
          }
        } else {
          fail("bad mcOrVcList");
        }
      }
      break;
    }
    default:
      if (v.universal(tag::kInteger))
        p.value = BerReader::integer(v, "parameterValue");
      else
        p.raw.assign(v.begin, v.data + v.length);  // structured value (CLTU CLCW ids): kept encoded
  }
  return p;
}

void enc_par_value(BerWriter& w, const ParameterValue& p, ServiceType service, int version) {
  const int t = parameter_choice(service, version, p.name);
  if (t < 0)
    throw std::invalid_argument("GET-PARAMETER: parameter " + std::to_string(p.name) + " not in " +
                                to_string(service) + " version " + std::to_string(version));
  w.begin(kCtx, static_cast<uint32_t>(t));
  w.integer(p.name);
  switch (p.name) {
    case param::kLatencyLimit:
      if (p.absent) w.null(kCtx, 1); else w.integer(kCtx, 0, p.value);
      break;
    case param::kReportingCycle:
      if (p.absent) w.null(kCtx, 0); else w.integer(kCtx, 1, p.value);
      break;
    case param::kPermittedFrameQuality:
      w.begin(kUni, tag::kSet);
      for (auto q : p.quality_set) w.integer(q);
      w.end();
      break;
    case param::kRequestedGvcid:
      if (version >= 5) {  // RequestedGvcId ::= CHOICE { gvcid [0] GvcId, undefined [1] NULL }
        if (p.absent || p.gvcid_set.empty()) {
          w.null(kCtx, 1);
        } else {
          w.begin(kCtx, 0);
          write_gvcid_body(w, p.gvcid_set.front());
          w.end();
        }
      } else {
        if (p.gvcid_set.empty()) throw std::invalid_argument("requested GVCID missing (no undefined before v5)");
        write_gvcid(w, p.gvcid_set.front());
      }
      break;
    case param::kPermittedGvcidSet: {
      // MasterChannelComposition per master channel: one with masterChannel when the whole master
      // channel may be selected, one whose vcList holds its selectable virtual channels.
      if (version >= 5) w.begin(kUni, tag::kSet); else w.sequence();
      std::vector<std::pair<int, int>> masters;
      for (const auto& g : p.gvcid_set)
        if (std::find(masters.begin(), masters.end(), std::make_pair(g.scid, g.tfvn)) == masters.end())
          masters.emplace_back(g.scid, g.tfvn);
      for (const auto& [scid, tfvn] : masters) {
        bool whole = false, vcs = false;
        for (const auto& g : p.gvcid_set)
          if (g.scid == scid && g.tfvn == tfvn) (g.master_channel ? whole : vcs) = true;
        if (whole) {
          w.sequence();
          w.integer(scid);
          w.integer(tfvn);
          w.null(kCtx, 0);
          w.end();
        }
        if (vcs) {
          w.sequence();
          w.integer(scid);
          w.integer(tfvn);
          w.begin(kCtx, 1);
          for (const auto& g : p.gvcid_set)
            if (g.scid == scid && g.tfvn == tfvn && !g.master_channel) w.integer(g.vcid);
          w.end();
          w.end();
        }
      }
      w.end();
      break;
    }
    default:
      if (!p.raw.empty())
        w.raw(p.raw.data(), p.raw.size());
      else
        w.integer(p.value);
  }
  w.end();
}

// ---- CLTU pieces (912.1-B)
CltuProgress read_cltu_progress(BerReader& r) {
  CltuProgress g;
  const Tlv lp = r.read();
  if (lp.ctx(0)) {
    BerReader::null(lp, "noCltuProcessed");
  } else if (lp.ctx(1) && lp.constructed) {
    BerReader in(lp, 3);
    g.processed = true;
    g.processed_id = read_int_range(in, "cltuIdentification", 0, 0xffffffffLL);
    g.radiation_start = read_conditional_time(in);
    g.status = static_cast<int>(read_int_range(in, "cltuStatus", 0, 6));
    in.expect_end("cltuProcessed");
  } else {
    fail("bad CltuLastProcessed");
  }
  const Tlv lo = r.read();
  if (lo.ctx(0)) {
    BerReader::null(lo, "noCltuOk");
  } else if (lo.ctx(1) && lo.constructed) {
    BerReader in(lo, 3);
    g.ok = true;
    g.ok_id = read_int_range(in, "cltuIdentification", 0, 0xffffffffLL);
    g.radiation_stop = read_time(in);
    in.expect_end("cltuOk");
  } else {
    fail("bad CltuLastOk");
  }
  return g;
}
void write_cltu_progress(BerWriter& w, const CltuProgress& g, int version) {
  if (!g.processed) {
    w.null(kCtx, 0);
  } else {
    w.begin(kCtx, 1);
    w.integer(g.processed_id);
    write_conditional_time(w, g.radiation_start, version);
    w.integer(g.status);
    w.end();
  }
  if (!g.ok) {
    w.null(kCtx, 0);
  } else {
    w.begin(kCtx, 1);
    w.integer(g.ok_id);
    write_time(w, g.radiation_stop, version);
    w.end();
  }
}

int lock_for_version(int v, int version) { return (version < 3 && v == 2) ? 3 : v; }

struct Encoder {
  BerWriter& w;
  ServiceType service;
  int version;

  void operator()(const BindInvocation& b) {
    w.begin(kCtx, op::kBindInv);
    write_credentials(w, b.credentials);
    w.visible_string(b.initiator);
    w.visible_string(b.responder_port);
    w.integer(b.service_type);
    w.integer(b.version);
    write_sii(w, b.sii);
    w.end();
  }
  void operator()(const BindReturn& b) {
    w.begin(kCtx, op::kBindRet);
    write_credentials(w, b.credentials);
    w.visible_string(b.responder);
    w.integer(kCtx, b.positive ? 0 : 1, b.value);
    w.end();
  }
  void operator()(const UnbindInvocation& u) {
    w.begin(kCtx, op::kUnbindInv);
    write_credentials(w, u.credentials);
    w.integer(u.reason);
    w.end();
  }
  void operator()(const UnbindReturn& u) {
    w.begin(kCtx, op::kUnbindRet);
    write_credentials(w, u.credentials);
    w.null(kCtx, 0);
    w.end();
  }
  void operator()(const StartInvocation& s) {
    w.begin(kCtx, op::kStartInv);
    write_credentials(w, s.credentials);
    w.integer(s.invoke_id);
    if (service == ServiceType::fwd_cltu) {
      w.integer(s.first_cltu_id);
      w.end();
      return;
    }
    write_conditional_time(w, s.start_time, version);
    write_conditional_time(w, s.stop_time, version);
    if (service == ServiceType::rtn_ch_frames)
      write_gvcid(w, s.gvcid);
    else
      w.integer(s.requested_quality);
    w.end();
  }
  void operator()(const StartReturn& s) {
    w.begin(kCtx, op::kStartRet);
    write_credentials(w, s.credentials);
    w.integer(s.invoke_id);
    if (service == ServiceType::fwd_cltu && s.result.positive) {
      w.begin(kCtx, 0);  // positiveResult SEQUENCE { startRadiationTime, stopRadiationTime }
      write_time(w, s.start_radiation, version);
      write_conditional_time(w, s.stop_radiation, version);
      w.end();
    } else {
      write_result(w, s.result, true);
    }
    w.end();
  }
  void operator()(const StopInvocation& s) {
    w.begin(kCtx, op::kStopInv);
    write_credentials(w, s.credentials);
    w.integer(s.invoke_id);
    w.end();
  }
  void operator()(const StopReturn& s) {
    w.begin(kCtx, op::kStopRet);
    write_credentials(w, s.credentials);
    w.integer(s.invoke_id);
    write_result(w, s.result, false);
    w.end();
  }
  void operator()(const ScheduleStatusReportInvocation& s) {
    w.begin(kCtx, op::kSsrInv);
    write_credentials(w, s.credentials);
    w.integer(s.invoke_id);
    switch (s.kind) {
      case ScheduleStatusReportInvocation::Kind::immediately: w.null(kCtx, 0); break;
      case ScheduleStatusReportInvocation::Kind::periodically: w.integer(kCtx, 1, s.cycle_s); break;
      case ScheduleStatusReportInvocation::Kind::stop: w.null(kCtx, 2); break;
    }
    w.end();
  }
  void operator()(const ScheduleStatusReportReturn& s) {
    w.begin(kCtx, op::kSsrRet);
    write_credentials(w, s.credentials);
    w.integer(s.invoke_id);
    write_result(w, s.result, true);
    w.end();
  }
  void operator()(const StatusReport& s) {
    w.begin(kCtx, op::kStatusReport);
    write_credentials(w, s.credentials);
    if (service == ServiceType::rtn_all_frames) w.integer(s.error_free_frames);
    w.integer(s.delivered_frames);
    w.integer(lock_for_version(s.frame_sync, version));
    w.integer(lock_for_version(s.symbol_sync, version));
    w.integer(lock_for_version(s.subcarrier, version));
    w.integer(lock_for_version(s.carrier, version));
    w.integer(s.production);
    w.end();
  }
  void operator()(const GetParameterInvocation& g) {
    w.begin(kCtx, op::kGetParInv);
    write_credentials(w, g.credentials);
    w.integer(g.invoke_id);
    w.integer(g.parameter);
    w.end();
  }
  void operator()(const GetParameterReturn& g) {
    w.begin(kCtx, op::kGetParRet);
    write_credentials(w, g.credentials);
    w.integer(g.invoke_id);
    if (g.result.positive) {
      w.begin(kCtx, 0);
      enc_par_value(w, g.parameter, service, version);
      w.end();
    } else {
      write_result(w, g.result, true);
    }
    w.end();
  }
  void operator()(const TransferBuffer& tb) {
    size_t hint = 0;
    for (const auto& it : tb.items)
      if (auto* f = std::get_if<AnnotatedFrame>(&it)) hint += f->data.size() + 64;
    w.begin(kCtx, op::kTransferBuffer, hint);
    for (const auto& it : tb.items) {
      if (auto* f = std::get_if<AnnotatedFrame>(&it))
        encode_annotated_frame(w, *f, f->data.data(), f->data.size(), service, version);
      else
        encode_sync_notification(w, std::get<SyncNotification>(it), version);
    }
    w.end();
  }
  void operator()(const PeerAbortPdu& p) { w.integer(kCtx, op::kPeerAbort, p.diagnostic); }
  void operator()(const CltuTransferData& t) {
    w.begin(kCtx, op::kCltuTransferDataInv, t.data.size() + 48);
    write_credentials(w, t.credentials);
    w.integer(t.invoke_id);
    w.integer(t.cltu_id);
    write_conditional_time(w, t.earliest, version);
    write_conditional_time(w, t.latest, version);
    w.integer(t.delay_us);
    w.integer(t.notification);
    w.octets(t.data);
    w.end();
  }
  void operator()(const CltuTransferDataReturn& t) {
    w.begin(kCtx, op::kCltuTransferDataRet);
    write_credentials(w, t.credentials);
    w.integer(t.invoke_id);
    w.integer(t.expected_cltu_id);
    w.integer(t.buffer_available);
    write_result(w, t.result, true);
    w.end();
  }
  void operator()(const CltuAsyncNotify& a) {
    w.begin(kCtx, op::kCltuAsyncNotify);
    write_credentials(w, a.credentials);
    if (a.notification >= 6)
      w.integer(kCtx, static_cast<uint32_t>(a.notification), a.event_id);
    else
      w.null(kCtx, static_cast<uint32_t>(a.notification));
    write_cltu_progress(w, a.progress, version);
    w.integer(a.production);
    w.integer(a.uplink);
    w.end();
  }
  void operator()(const CltuStatusReport& s) {
    w.begin(kCtx, op::kCltuStatusReport);
    write_credentials(w, s.credentials);
    write_cltu_progress(w, s.progress, version);
    w.integer(s.production);
    w.integer(s.uplink);
    w.integer(s.received);
    w.integer(s.processed);
    w.integer(s.radiated);
    w.integer(s.buffer_available);
    w.end();
  }
  void operator()(const ThrowEventInvocation& t) {
    w.begin(kCtx, op::kCltuThrowEventInv);
    write_credentials(w, t.credentials);
    w.integer(t.invoke_id);
    w.integer(t.event_invocation_id);
    w.integer(t.event_id);
    w.octets(t.qualifier);
    w.end();
  }
  void operator()(const ThrowEventReturn& t) {
    w.begin(kCtx, op::kCltuThrowEventRet);
    write_credentials(w, t.credentials);
    w.integer(t.invoke_id);
    w.integer(t.event_invocation_id);
    write_result(w, t.result, true);
    w.end();
  }
};

struct Namer {
  std::string operator()(const BindInvocation&) { return "BIND-invocation"; }
  std::string operator()(const BindReturn&) { return "BIND-return"; }
  std::string operator()(const UnbindInvocation&) { return "UNBIND-invocation"; }
  std::string operator()(const UnbindReturn&) { return "UNBIND-return"; }
  std::string operator()(const StartInvocation&) { return "START-invocation"; }
  std::string operator()(const StartReturn&) { return "START-return"; }
  std::string operator()(const StopInvocation&) { return "STOP-invocation"; }
  std::string operator()(const StopReturn&) { return "STOP-return"; }
  std::string operator()(const ScheduleStatusReportInvocation&) { return "SCHEDULE-STATUS-REPORT-invocation"; }
  std::string operator()(const ScheduleStatusReportReturn&) { return "SCHEDULE-STATUS-REPORT-return"; }
  std::string operator()(const StatusReport&) { return "STATUS-REPORT"; }
  std::string operator()(const GetParameterInvocation&) { return "GET-PARAMETER-invocation"; }
  std::string operator()(const GetParameterReturn&) { return "GET-PARAMETER-return"; }
  std::string operator()(const TransferBuffer&) { return "TRANSFER-BUFFER"; }
  std::string operator()(const PeerAbortPdu&) { return "PEER-ABORT"; }
  std::string operator()(const CltuTransferData&) { return "TRANSFER-DATA-invocation"; }
  std::string operator()(const CltuTransferDataReturn&) { return "TRANSFER-DATA-return"; }
  std::string operator()(const CltuAsyncNotify&) { return "ASYNC-NOTIFY"; }
  std::string operator()(const CltuStatusReport&) { return "STATUS-REPORT"; }
  std::string operator()(const ThrowEventInvocation&) { return "THROW-EVENT-invocation"; }
  std::string operator()(const ThrowEventReturn&) { return "THROW-EVENT-return"; }
};
}  // namespace

const char* to_string(ServiceType t) {
  switch (t) {
    case ServiceType::rtn_all_frames: return "RAF";
    case ServiceType::rtn_ch_frames: return "RCF";
    case ServiceType::fwd_cltu: return "CLTU";
  }
  return "?";
}

const char* to_string(PeerAbortDiagnostic d) {
  switch (d) {
    case PeerAbortDiagnostic::access_denied: return "accessDenied";
    case PeerAbortDiagnostic::unexpected_responder_id: return "unexpectedResponderId";
    case PeerAbortDiagnostic::operational_requirement: return "operationalRequirement";
    case PeerAbortDiagnostic::protocol_error: return "protocolError";
    case PeerAbortDiagnostic::communications_failure: return "communicationsFailure";
    case PeerAbortDiagnostic::encoding_error: return "encodingError";
    case PeerAbortDiagnostic::return_timeout: return "returnTimeout";
    case PeerAbortDiagnostic::end_of_service_provision_period: return "endOfServiceProvisionPeriod";
    case PeerAbortDiagnostic::unsolicited_invoke_id: return "unsolicitedInvokeId";
    case PeerAbortDiagnostic::other_reason: return "otherReason";
  }
  return "unknown";
}

std::string ServiceInstanceId::to_string() const {
  std::string s;
  for (const auto& a : attributes) {
    if (!s.empty()) s += '.';
    std::string name;
    if (a.oid.size() == kSiiPrefix.size() + 1 && std::equal(kSiiPrefix.begin(), kSiiPrefix.end(), a.oid.begin())) {
      auto it = sii_names().find(a.oid.back());
      if (it != sii_names().end()) name = it->second;
    }
    if (name.empty()) {
      for (size_t i = 0; i < a.oid.size(); ++i) name += (i ? "." : "") + std::to_string(a.oid[i]);
      name = "{" + name + "}";
    }
    s += name + "=" + a.value;
  }
  return s;
}

ServiceInstanceId ServiceInstanceId::parse(const std::string& text) {
  ServiceInstanceId sii;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, '.')) {
    const auto eq = part.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == part.size())
      throw std::invalid_argument("service instance id: '" + part + "' is not name=value");
    const std::string name = part.substr(0, eq);
    SiiAttribute a;
    for (const auto& [n, nm] : sii_names())
      if (nm == name) {
        a.oid = kSiiPrefix;
        a.oid.push_back(n);
      }
    if (a.oid.empty()) throw std::invalid_argument("service instance id: unknown attribute '" + name + "'");
    a.value = part.substr(eq + 1);
    sii.attributes.push_back(std::move(a));
  }
  if (sii.attributes.empty()) throw std::invalid_argument("service instance id: empty");
  return sii;
}

uint32_t pdu_outer_tag(const uint8_t* p, size_t n) {
  const Tlv t = ber_parse(p, n);
  if (t.cls != kCtx) fail("outer tag is not context-specific");
  return t.number;
}

Pdu decode_pdu(const uint8_t* p, size_t n, ServiceType service, int version) {
  const Tlv outer = ber_parse(p, n);
  if (outer.total != n) fail("octets after the PDU");
  if (outer.cls != kCtx) fail("outer tag is not context-specific");
  if (outer.number == op::kPeerAbort) {
    return PeerAbortPdu{tlv_int(outer, "PEER-ABORT diagnostic")};
  }
  if (!outer.constructed) fail("primitive outer value");
  BerReader r(outer);
  Pdu out;
  if (service == ServiceType::fwd_cltu) {
    switch (outer.number) {
      case op::kStartInv: {
        StartInvocation s;
        s.credentials = read_credentials(r);
        s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
        s.first_cltu_id = read_int_range(r, "firstCltuIdentification", 0, 0xffffffffLL);
        out = s;
        break;
      }
      case op::kStartRet: {
        StartReturn s;
        s.credentials = read_credentials(r);
        s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
        const Tlv t = r.peek();
        if (t.ctx(0) && t.constructed) {
          r.read();
          BerReader in(t, 2);
          s.start_radiation = read_time(in);
          s.stop_radiation = read_conditional_time(in);
          in.expect_end("CLTU START positiveResult");
        } else {
          s.result = read_result(r, true);
          if (s.result.positive) fail("CLTU START positive result without times");
        }
        out = s;
        break;
      }
      case op::kCltuTransferDataInv: {
        CltuTransferData t;
        t.credentials = read_credentials(r);
        t.invoke_id = read_int_range(r, "invokeId", 0, 65535);
        t.cltu_id = read_int_range(r, "cltuIdentification", 0, 0xffffffffLL);
        t.earliest = read_conditional_time(r);
        t.latest = read_conditional_time(r);
        t.delay_us = read_int_range(r, "delayTime", 0, 0xffffffffLL);
        t.notification = static_cast<int>(read_int_range(r, "slduRadiationNotification", 0, 1));
        t.data = BerReader::octets(r.expect(kUni, tag::kOctetString, "cltuData"), "cltuData");
        out = std::move(t);
        break;
      }
      case op::kCltuTransferDataRet: {
        CltuTransferDataReturn t;
        t.credentials = read_credentials(r);
        t.invoke_id = read_int_range(r, "invokeId", 0, 65535);
        t.expected_cltu_id = read_int_range(r, "cltuIdentification", 0, 0xffffffffLL);
        t.buffer_available = read_int_range(r, "cltuBufferAvailable", 0, 0xffffffffLL);
        t.result = read_result(r, true);
        out = t;
        break;
      }
      case op::kCltuAsyncNotify: {
        CltuAsyncNotify a;
        a.credentials = read_credentials(r);
        const Tlv n = r.read();
        if (n.cls != kCtx || n.number > 8) fail("bad CltuNotification");
        a.notification = static_cast<int>(n.number);
        if (n.number >= 6) {
          a.event_id = BerReader::integer(n, "eventInvocationId");  // EventInvocationId ::= IntUnsignedLong
          if (a.event_id < 0 || a.event_id > 0xffffffffLL) fail("eventInvocationId out of range");
        } else {
          BerReader::null(n, "cltuNotification");
        }
        a.progress = read_cltu_progress(r);
        a.production = static_cast<int>(read_int_range(r, "productionStatus", 0, 3));
        a.uplink = static_cast<int>(read_int_range(r, "uplinkStatus", 0, 3));
        out = a;
        break;
      }
      case op::kCltuStatusReport: {
        CltuStatusReport s;
        s.credentials = read_credentials(r);
        s.progress = read_cltu_progress(r);
        s.production = static_cast<int>(read_int_range(r, "productionStatus", 0, 3));
        s.uplink = static_cast<int>(read_int_range(r, "uplinkStatus", 0, 3));
        s.received = read_int_range(r, "numberOfCltusReceived", 0, 0xffffffffLL);
        s.processed = read_int_range(r, "numberOfCltusProcessed", 0, 0xffffffffLL);
        s.radiated = read_int_range(r, "numberOfCltusRadiated", 0, 0xffffffffLL);
        s.buffer_available = read_int_range(r, "cltuBufferAvailable", 0, 0xffffffffLL);
        out = s;
        break;
      }
      case op::kCltuThrowEventInv: {
        ThrowEventInvocation t;
        t.credentials = read_credentials(r);
        t.invoke_id = read_int_range(r, "invokeId", 0, 65535);
        t.event_invocation_id = read_int_range(r, "eventInvocationIdentification", 0, 0xffffffffLL);
        t.event_id = read_int_range(r, "eventIdentifier", 0, 0xffffffffLL);
        t.qualifier = BerReader::octets(r.expect(kUni, tag::kOctetString, "eventQualifier"), "eventQualifier");
        out = std::move(t);
        break;
      }
      case op::kCltuThrowEventRet: {
        ThrowEventReturn t;
        t.credentials = read_credentials(r);
        t.invoke_id = read_int_range(r, "invokeId", 0, 65535);
        t.event_invocation_id = read_int_range(r, "eventInvocationIdentification", 0, 0xffffffffLL);
        t.result = read_result(r, true);
        out = t;
        break;
      }
      default:
        goto common;
    }
    r.expect_end(pdu_name(out).c_str());
    return out;
  }
common:
  switch (outer.number) {
    case op::kBindInv: out = dec_bind_inv(r); break;
    case op::kBindRet: out = dec_bind_ret(r); break;
    case op::kUnbindInv: {
      UnbindInvocation u;
      u.credentials = read_credentials(r);
      u.reason = static_cast<int>(read_int_range(r, "unbindReason", 0, 127));
      out = u;
      break;
    }
    case op::kUnbindRet: {
      UnbindReturn u;
      u.credentials = read_credentials(r);
      BerReader::null(r.expect(kCtx, 0, "UNBIND result"), "UNBIND result");
      out = u;
      break;
    }
    case op::kStartInv: {
      StartInvocation s;
      s.credentials = read_credentials(r);
      s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      s.start_time = read_conditional_time(r);
      s.stop_time = read_conditional_time(r);
      if (service == ServiceType::rtn_ch_frames) {
        BerReader g = r.enter(r.expect(kUni, tag::kSequence, "requestedGvcId"));
        s.gvcid = read_gvcid_body(g);
      } else {
        s.requested_quality = static_cast<int>(read_int_range(r, "requestedFrameQuality", 0, 2));
      }
      out = s;
      break;
    }
    case op::kStartRet: {
      StartReturn s;
      s.credentials = read_credentials(r);
      s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      s.result = read_result(r, true);
      out = s;
      break;
    }
    case op::kStopInv: {
      StopInvocation s;
      s.credentials = read_credentials(r);
      s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      out = s;
      break;
    }
    case op::kStopRet: {
      StopReturn s;
      s.credentials = read_credentials(r);
      s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      s.result = read_result(r, false);
      out = s;
      break;
    }
    case op::kSsrInv: {
      ScheduleStatusReportInvocation s;
      s.credentials = read_credentials(r);
      s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      const Tlv t = r.read();
      if (t.ctx(0)) { BerReader::null(t, "immediately"); s.kind = ScheduleStatusReportInvocation::Kind::immediately; }
      else if (t.ctx(1)) { s.kind = ScheduleStatusReportInvocation::Kind::periodically; s.cycle_s = tlv_int(t, "periodically"); }
      else if (t.ctx(2)) { BerReader::null(t, "stop"); s.kind = ScheduleStatusReportInvocation::Kind::stop; }
      else fail("bad reportRequestType");
      out = s;
      break;
    }
    case op::kSsrRet: {
      ScheduleStatusReportReturn s;
      s.credentials = read_credentials(r);
      s.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      s.result = read_result(r, true);
      out = s;
      break;
    }
    case op::kStatusReport: {
      StatusReport s;
      s.credentials = read_credentials(r);
      if (service == ServiceType::rtn_all_frames) s.error_free_frames = read_int_range(r, "errorFreeFrameNumber", 0, 0xffffffffLL);
      s.delivered_frames = read_int_range(r, "deliveredFrameNumber", 0, 0xffffffffLL);
      s.frame_sync = static_cast<int>(read_int_range(r, "frameSyncLockStatus", 0, 3));
      s.symbol_sync = static_cast<int>(read_int_range(r, "symbolSyncLockStatus", 0, 3));
      s.subcarrier = static_cast<int>(read_int_range(r, "subcarrierLockStatus", 0, 3));
      s.carrier = static_cast<int>(read_int_range(r, "carrierLockStatus", 0, 3));
      s.production = static_cast<int>(read_int_range(r, "productionStatus", 0, 2));
      out = s;
      break;
    }
    case op::kGetParInv: {
      GetParameterInvocation g;
      g.credentials = read_credentials(r);
      g.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      g.parameter = static_cast<int>(read_int_range(r, "parameter", 0, 32767));
      out = g;
      break;
    }
    case op::kGetParRet: {
      GetParameterReturn g;
      g.credentials = read_credentials(r);
      g.invoke_id = read_int_range(r, "invokeId", 0, 65535);
      const Tlv t = r.read();
      if (t.ctx(0) && t.constructed) {
        BerReader in(t, 2);
        g.parameter = dec_par_value(in, service, version);
      } else if (t.ctx(1) && t.constructed) {
        BerReader in(t, 2);
        const Tlv d = in.read();
        in.expect_end("DiagnosticGet");
        if (!d.ctx(0) && !d.ctx(1)) fail("bad GET-PARAMETER diagnostic");
        g.result = {false, d.ctx(1), tlv_int(d, "diagnostic")};
      } else {
        fail("bad GET-PARAMETER result");
      }
      out = g;
      break;
    }
    case op::kTransferBuffer: {
      if (service != ServiceType::rtn_all_frames && service != ServiceType::rtn_ch_frames)
        fail("TRANSFER-BUFFER on a forward service");
      TransferBuffer tb;
      while (!r.at_end()) {
        const Tlv item = r.read();
        if (item.ctx(0) && item.constructed)
          tb.items.emplace_back(dec_frame(item, service));
        else if (item.ctx(1) && item.constructed)
          tb.items.emplace_back(dec_sync(item));
        else
          fail("bad FrameOrNotification");
      }
      out = std::move(tb);
      break;
    }
    default:
      fail("unknown operation tag [" + std::to_string(outer.number) + "]");
  }
  r.expect_end(pdu_name(out).c_str());
  return out;
}

void encode_annotated_frame(BerWriter& w, const AnnotatedFrame& m, const uint8_t* data, size_t n, ServiceType service,
                            int version) {
  w.begin(kCtx, 0, n + 64);
  write_credentials(w, m.credentials);
  write_time(w, m.ert, version);
  if (m.antenna_global) {
    w.octets(kCtx, 0, m.antenna.data(), m.antenna.size());
  } else {
    static const uint8_t kDefaultAntenna = '0';
    if (m.antenna.empty())
      w.octets(kCtx, 1, &kDefaultAntenna, 1);
    else
      w.octets(kCtx, 1, m.antenna.data(), m.antenna.size());
  }
  w.integer(m.continuity);
  if (service == ServiceType::rtn_all_frames) w.integer(m.quality);
  if (m.private_annotation.empty())
    w.null(kCtx, 0);
  else
    w.octets(kCtx, 1, m.private_annotation.data(), m.private_annotation.size());
  w.octets(kUni, tag::kOctetString, data, n);
  w.end();
}

void encode_sync_notification(BerWriter& w, const SyncNotification& s, int version) {
  w.begin(kCtx, 1);
  write_credentials(w, s.credentials);
  switch (s.kind) {
    case SyncNotification::Kind::loss_frame_sync:
      w.begin(kCtx, 0);
      write_time(w, s.time, version);
      w.integer(lock_for_version(s.carrier, version));
      w.integer(lock_for_version(s.subcarrier, version));
      w.integer(lock_for_version(s.symbol_sync, version));
      w.end();
      break;
    case SyncNotification::Kind::production_status_change: w.integer(kCtx, 1, s.production); break;
    case SyncNotification::Kind::excessive_data_backlog: w.null(kCtx, 2); break;
    case SyncNotification::Kind::end_of_data: w.null(kCtx, 3); break;
  }
  w.end();
}

void encode_pdu(const Pdu& pdu, ServiceType service, int version, std::vector<uint8_t>& out) {
  BerWriter w(out);
  std::visit(Encoder{w, service, version}, pdu);
}

std::vector<uint8_t> encode_pdu(const Pdu& pdu, ServiceType service, int version) {
  std::vector<uint8_t> out;
  encode_pdu(pdu, service, version, out);
  return out;
}

std::string pdu_name(const Pdu& p) { return std::visit(Namer{}, p); }

}  // namespace groundlink::sle
