#include "dsp/cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace groundlink::dsp {

SimdLevel cpu_simd_level() {
#if defined(__x86_64__) || defined(__i386__)
  static const SimdLevel level = [] {
    __builtin_cpu_init();
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    if (avx512) return SimdLevel::avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::avx2;
    return SimdLevel::scalar;
  }();
  return level;
#else
  return SimdLevel::scalar;
#endif
}

SimdLevel clamp_simd_level(SimdLevel requested) {
  const SimdLevel cpu = cpu_simd_level();
  return static_cast<int>(requested) < static_cast<int>(cpu) ? requested : cpu;
}

SimdLevel default_simd_level() {
  static const SimdLevel level = [] {
    const char* env = std::getenv("GROUNDLINK_SIMD");
    if (env == nullptr) return cpu_simd_level();
    if (std::strcmp(env, "scalar") == 0) return SimdLevel::scalar;
    if (std::strcmp(env, "avx2") == 0) return clamp_simd_level(SimdLevel::avx2);
    return cpu_simd_level();
  }();
  return level;
}

const char* to_string(SimdLevel level) {
  switch (level) {
    case SimdLevel::avx512: return "avx512";
    case SimdLevel::avx2: return "avx2";
    default: return "scalar";
  }
}

SimdLevel usable_simd_level(SimdLevel cap) {
  return static_cast<int>(cap) < static_cast<int>(default_simd_level()) ? cap : default_simd_level();
}

}  // namespace groundlink::dsp
