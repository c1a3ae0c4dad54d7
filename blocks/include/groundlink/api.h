#pragma once
#include <gnuradio/attributes.h>
#define GROUNDLINK_API __GR_ATTR_EXPORT

namespace gr::groundlink {
/// Stream tag placed on the last item of a finite input (file, generator). Blocks that hold
/// data inside (decoders, synchronisers) flush when they consume it and pass it on, so a
/// recording's last frames come out instead of staying in a traceback or sync buffer.
inline constexpr const char* kEndOfStreamTag = "gl_eos";
}  // namespace gr::groundlink
