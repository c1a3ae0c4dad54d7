// SLE operation PDUs of the return services RAF (CCSDS 911.1-B) and RCF (CCSDS 911.2-B) and the
// common BIND/UNBIND/PEER-ABORT operations (CCSDS 913.1-B annex ASN.1, module
// CCSDS-SLE-TRANSFER-SERVICE-BIND-TYPES), for SLE versions 1..5. Every PDU is the outer CHOICE of
// RafUserToProviderPdu / RafProviderToUserPdu (RCF alike) with IMPLICIT context tags; tagged CHOICE
// types inside (Time, results with CHOICE diagnostics) are explicit as X.680 §31.2.7 requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sle/ber.h"
#include "sle/time.h"

namespace groundlink::sle {

/// ApplicationIdentifier (CCSDS 913.1-B bind types).
enum class ServiceType : int { rtn_all_frames = 0, rtn_ch_frames = 2, fwd_cltu = 16 };
const char* to_string(ServiceType t);

/// Credentials ::= CHOICE { unused [0] NULL, used [1] OCTET STRING } — empty means unused; the
/// octets are the DER of ISP1Credentials (see credentials.h).
using Credentials = std::vector<uint8_t>;

/// ServiceInstanceIdentifier ::= SEQUENCE OF SET SIZE(1) OF SEQUENCE { OID, VisibleString }.
struct SiiAttribute {
  std::vector<uint32_t> oid;
  std::string value;
  bool operator==(const SiiAttribute& o) const { return oid == o.oid && value == o.value; }
};
struct ServiceInstanceId {
  std::vector<SiiAttribute> attributes;
  /// "sagr=SAGR.spack=SPACK.rsl-fg=RSL-FG.raf=onlt1" (CCSDS 910.4 ASCII form).
  std::string to_string() const;
  /// Parses the ASCII form; throws std::invalid_argument naming an unknown attribute.
  static ServiceInstanceId parse(const std::string& s);
  bool operator==(const ServiceInstanceId& o) const { return attributes == o.attributes; }
};

/// Time ::= CHOICE { ccsdsFormat [0] 8-octet CDS, ccsdsPicoFormat [1] 10-octet CDS (SLE v3+) } -> SleTime.

/// BindDiagnostic values (bind types).
enum class BindDiagnostic : int {
  access_denied = 0, service_type_not_supported = 1, version_not_supported = 2, no_such_service_instance = 3,
  already_bound = 4, si_not_accessible_to_this_initiator = 5, inconsistent_service_type = 6, invalid_time = 7,
  out_of_service = 8, other_reason = 127
};
/// PeerAbortDiagnostic (sent as the ISP1 urgent octet).
enum class PeerAbortDiagnostic : uint8_t {
  access_denied = 0, unexpected_responder_id = 1, operational_requirement = 2, protocol_error = 3,
  communications_failure = 4, encoding_error = 5, return_timeout = 6, end_of_service_provision_period = 7,
  unsolicited_invoke_id = 8, other_reason = 127
};
const char* to_string(PeerAbortDiagnostic d);

/// Diagnostics ::= INTEGER { duplicateInvokeId (100), otherReason (127) } (common types).
constexpr int kDiagDuplicateInvokeId = 100;
constexpr int kDiagOtherReason = 127;

/// Result of a confirmed operation: positive, or negative with a common [0] or service-specific [1]
/// diagnostic (SleAcknowledgement has no specific branch: its negative result is a bare Diagnostics).
struct OpResult {
  bool positive = true;
  bool specific = false;
  int code = 0;
  static OpResult ok() { return {}; }
  static OpResult common(int c) { return {false, false, c}; }
  static OpResult service_specific(int c) { return {false, true, c}; }
};

struct BindInvocation {
  Credentials credentials;
  std::string initiator;
  std::string responder_port;
  int service_type = 0;
  int version = 0;
  ServiceInstanceId sii;
};
struct BindReturn {
  Credentials credentials;
  std::string responder;
  bool positive = true;
  int value = 0;  ///< version when positive, BindDiagnostic when negative
};
struct UnbindInvocation {
  Credentials credentials;
  int reason = 0;  ///< end 0, suspend 1, versionNotSupported 2, other 127
};
struct UnbindReturn {
  Credentials credentials;
};

/// RCF GvcId (911.2-B): spacecraft id, version number, master channel or one virtual channel.
struct RequestedGvcid {
  int scid = 0;
  int tfvn = 0;
  bool master_channel = false;
  int vcid = 0;
  bool operator==(const RequestedGvcid& o) const {
    return scid == o.scid && tfvn == o.tfvn && master_channel == o.master_channel && vcid == o.vcid;
  }
};

/// RequestedFrameQuality (RAF): goodFramesOnly 0, erredFramesOnly 1, allFrames 2.
enum class RequestedFrameQuality : int { good_only = 0, erred_only = 1, all = 2 };

struct StartInvocation {
  Credentials credentials;
  int64_t invoke_id = 0;
  int64_t first_cltu_id = 0;                      ///< CLTU only (the only field after invokeId)
  std::optional<SleTime> start_time, stop_time;  ///< ConditionalTime: nullopt = undefined
  int requested_quality = 2;                      ///< RAF only
  RequestedGvcid gvcid;                           ///< RCF only
};
struct StartReturn {
  Credentials credentials;
  int64_t invoke_id = 0;
  SleTime start_radiation;                  ///< CLTU positive result
  std::optional<SleTime> stop_radiation;    ///< CLTU positive result (ConditionalTime)
  OpResult result;  ///< specific: outOfService 0, unableToComply 1, invalidStartTime 2, invalidStopTime 3, missingTimeValue 4
};
struct StopInvocation {
  Credentials credentials;
  int64_t invoke_id = 0;
};
struct StopReturn {  ///< SleAcknowledgement
  Credentials credentials;
  int64_t invoke_id = 0;
  OpResult result;
};
struct ScheduleStatusReportInvocation {
  enum class Kind : int { immediately = 0, periodically = 1, stop = 2 };
  Credentials credentials;
  int64_t invoke_id = 0;
  Kind kind = Kind::immediately;
  int cycle_s = 0;
};
struct ScheduleStatusReportReturn {
  Credentials credentials;
  int64_t invoke_id = 0;
  OpResult result;  ///< specific: notSupportedInThisDeliveryMode 0, alreadyStopped 1, invalidReportingCycle 2
};
/// RAF/RCF STATUS-REPORT invocation. Lock status: inLock 0, outOfLock 1, notInUse 2 (v3+), unknown 3.
struct StatusReport {
  Credentials credentials;
  int64_t error_free_frames = 0;  ///< RAF only
  int64_t delivered_frames = 0;
  int frame_sync = 3, symbol_sync = 3, subcarrier = 3, carrier = 3;
  int production = 0;  ///< running 0, interrupted 1, halted 2
};

/// ParameterName values used by RAF and RCF (common types).
namespace param {
constexpr int kBufferSize = 4, kDeliveryMode = 6, kLatencyLimit = 15, kPermittedGvcidSet = 24, kReportingCycle = 26,
              kRequestedFrameQuality = 27, kRequestedGvcid = 28, kReturnTimeoutPeriod = 29,
              kMinReportingCycle = 301, kPermittedFrameQuality = 302;
}
/// CLTU parameter names (912.1-B).
namespace param {
constexpr int kAcquisitionSequenceLength = 201, kBitLockRequired = 3, kClcwGlobalVcid = 202,
              kClcwPhysicalChannel = 203, kExpectedEventInvocationId = 9, kExpectedSlduId = 10,
              kMaximumSlduLength = 21, kMinimumDelayTime = 204, kModulationFrequency = 22, kModulationIndex = 23,
              kNotificationMode = 205, kPlop1IdleSequenceLength = 206, kPlopInEffect = 25, kProtocolAbortMode = 207,
              kRfAvailableRequired = 31, kSubcarrierToBitRateRatio = 34;
}
/// DeliveryMode: rtnTimelyOnline 0, rtnCompleteOnline 1, rtnOffline 2.
enum class DeliveryMode : int { timely_online = 0, complete_online = 1, offline = 2, fwd_online = 3, fwd_offline = 4 };

struct GetParameterInvocation {
  Credentials credentials;
  int64_t invoke_id = 0;
  int parameter = 0;
};
/// One parameter value. `absent` means the NULL branch: latency limit offline, periodic reporting
/// off, requested GVCID undefined.
struct ParameterValue {
  int name = 0;
  int64_t value = 0;
  bool absent = false;
  std::vector<int64_t> quality_set;        ///< permitted frame quality
  std::vector<RequestedGvcid> gvcid_set;   ///< RCF permitted GVCID set / requested GVCID (one)
  std::vector<uint8_t> raw;                ///< other structured values, kept as encoded (CLTU CLCW ids)
};
struct GetParameterReturn {
  Credentials credentials;
  int64_t invoke_id = 0;
  OpResult result;  ///< specific: unknownParameter 0
  ParameterValue parameter;
};

/// RafTransferDataInvocation / RcfTransferDataInvocation inside a TRANSFER-BUFFER.
struct AnnotatedFrame {
  Credentials credentials;
  SleTime ert;
  bool antenna_global = false;          ///< AntennaId globalForm (OID) vs localForm (octets)
  std::vector<uint8_t> antenna;         ///< local form octets, or the OID contents octets
  int continuity = -1;                  ///< dataLinkContinuity: -1 unknown, 0 continuous, n frames missing
  int quality = 0;                      ///< RAF only: good 0, erred 1, undetermined 2
  std::vector<uint8_t> private_annotation;  ///< empty = null
  std::vector<uint8_t> data;
};
/// SyncNotifyInvocation: lossFrameSync [0], productionStatusChange [1], excessiveDataBacklog [2],
/// endOfData [3].
struct SyncNotification {
  enum class Kind : int { loss_frame_sync = 0, production_status_change = 1, excessive_data_backlog = 2, end_of_data = 3 };
  Credentials credentials;
  Kind kind = Kind::end_of_data;
  SleTime time;          ///< loss of frame sync
  int carrier = 3, subcarrier = 3, symbol_sync = 3;
  int production = 0;    ///< production status change
};
struct TransferBuffer {
  std::vector<std::variant<AnnotatedFrame, SyncNotification>> items;
};
// ---- Forward CLTU service (CCSDS 912.1-B)

/// CLTU-TRANSFER-DATA invocation.
struct CltuTransferData {
  Credentials credentials;
  int64_t invoke_id = 0;
  int64_t cltu_id = 0;
  std::optional<SleTime> earliest, latest;   ///< radiation window (ConditionalTime)
  int64_t delay_us = 0;                      ///< minimum delay after the previous CLTU (Duration, µs)
  int notification = 0;                      ///< slduRadiationNotification: produce 0, doNotProduce 1
  std::vector<uint8_t> data;
};
struct CltuTransferDataReturn {
  Credentials credentials;
  int64_t invoke_id = 0;
  int64_t expected_cltu_id = 0;
  int64_t buffer_available = 0;
  OpResult result;  ///< specific: unableToProcess 0, unableToStore 1, outOfSequence 2, inconsistentTimeRange 3,
                    ///< invalidTime 4, lateSldu 5, invalidDelayTime 6, cltuError 7
};
/// CltuLastProcessed / CltuLastOk as reported by ASYNC-NOTIFY and STATUS-REPORT.
struct CltuProgress {
  bool processed = false;                 ///< false: noCltuProcessed
  int64_t processed_id = 0;
  std::optional<SleTime> radiation_start;
  int status = 0;                         ///< radiated 0, expired 1, interrupted 2, productionStarted 4, productionNotStarted 5
  bool ok = false;                        ///< false: noCltuOk
  int64_t ok_id = 0;
  SleTime radiation_stop;
};
struct CltuAsyncNotify {
  Credentials credentials;
  int notification = 0;  ///< CltuNotification choice: cltuRadiated 0 .. bufferEmpty 5, actionList* 6/7, eventConditionEvFalse 8
  int64_t event_id = 0;  ///< for choices 6..8
  CltuProgress progress;
  int production = 0;    ///< operational 0, configured 1, interrupted 2, halted 3
  int uplink = 0;        ///< notAvailable 0, noRfAvailable 1, noBitLock 2, nominal 3
};
struct CltuStatusReport {
  Credentials credentials;
  CltuProgress progress;
  int production = 0;
  int uplink = 0;
  int64_t received = 0, processed = 0, radiated = 0, buffer_available = 0;
};
struct ThrowEventInvocation {
  Credentials credentials;
  int64_t invoke_id = 0;
  int64_t event_invocation_id = 0;
  int64_t event_id = 0;
  std::vector<uint8_t> qualifier;
};
struct ThrowEventReturn {
  Credentials credentials;
  int64_t invoke_id = 0;
  int64_t event_invocation_id = 0;
  OpResult result;  ///< specific: operationNotSupported 0, eventInvocIdOutOfSequence 1, noSuchEvent 2
};

/// [104] SlePeerAbort — defined in the ASN.1 but ISP1 sends it as an urgent octet instead.
struct PeerAbortPdu {
  int diagnostic = 0;
};

using Pdu = std::variant<BindInvocation, BindReturn, UnbindInvocation, UnbindReturn, StartInvocation, StartReturn,
                         StopInvocation, StopReturn, ScheduleStatusReportInvocation, ScheduleStatusReportReturn,
                         StatusReport, GetParameterInvocation, GetParameterReturn, TransferBuffer, PeerAbortPdu,
                         CltuTransferData, CltuTransferDataReturn, CltuAsyncNotify, CltuStatusReport,
                         ThrowEventInvocation, ThrowEventReturn>;

/// Operation name of a PDU ("BIND-invocation", ...).
std::string pdu_name(const Pdu& p);

/// Decodes one PDU (the body of one TML PDU message). `service` selects the RAF, RCF or CLTU variant
/// of START, TRANSFER-BUFFER, STATUS-REPORT and GET-PARAMETER and the CLTU-only operations. Throws BerError on malformed input or an
/// operation this service does not have. The whole buffer must be consumed. `version` selects the
/// GET-PARAMETER return layout of that SLE version; 0 accepts the layout of any version.
Pdu decode_pdu(const uint8_t* p, size_t n, ServiceType service, int version = 0);
/// Peeks the outer tag (the operation) without decoding the rest; throws BerError.
uint32_t pdu_outer_tag(const uint8_t* p, size_t n);

/// Appends the encoding of `pdu` to `out`. `version` applies version rules: ERT in the picosecond
/// format only from v3, lock status notInUse (v3+) reported as unknown before.
void encode_pdu(const Pdu& pdu, ServiceType service, int version, std::vector<uint8_t>& out);
std::vector<uint8_t> encode_pdu(const Pdu& pdu, ServiceType service, int version);

/// Encodes one TRANSFER-BUFFER item straight from frame octets (the provider's hot path).
void encode_annotated_frame(BerWriter& w, const AnnotatedFrame& meta, const uint8_t* data, size_t n,
                            ServiceType service, int version);
void encode_sync_notification(BerWriter& w, const SyncNotification& s, int version);

/// GET-PARAMETER return CHOICE number of `parameter` in this service and SLE version; -1 when that
/// version's ASN.1 has no such parameter (the provider answers unknownParameter then).
int parameter_choice(ServiceType service, int version, int parameter);

/// Outer context tags of the RAF/RCF PDUs.
namespace op {
constexpr uint32_t kStartInv = 0, kStartRet = 1, kStopInv = 2, kStopRet = 3, kSsrInv = 4, kSsrRet = 5,
                   kGetParInv = 6, kGetParRet = 7, kTransferBuffer = 8, kStatusReport = 9, kBindInv = 100,
                   kBindRet = 101, kUnbindInv = 102, kUnbindRet = 103, kPeerAbort = 104;
// CLTU (912.1-B): THROW-EVENT [8]/[9] and STATUS-REPORT [13] differ from RAF/RCF.
constexpr uint32_t kCltuThrowEventInv = 8, kCltuThrowEventRet = 9, kCltuTransferDataInv = 10,
                   kCltuTransferDataRet = 11, kCltuAsyncNotify = 12, kCltuStatusReport = 13;
}

}  // namespace groundlink::sle
