#include "framing/frame.h"

namespace groundlink::framing {

const char* to_string(FrameQuality q) {
  switch (q) {
    case FrameQuality::good: return "good";
    case FrameQuality::erred: return "erred";
    default: return "undetermined";
  }
}

}  // namespace groundlink::framing
