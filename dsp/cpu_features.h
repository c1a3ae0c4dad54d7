// Runtime CPU feature detection for SIMD dispatch.
//
// Every SIMD kernel in groundlink has a scalar reference; the dispatcher picks the widest kernel
// the CPU supports unless GROUNDLINK_SIMD (env: "scalar", "avx2", "avx512") caps it, which tests
// and benchmarks use to compare implementations bit for bit on the same machine.
#pragma once

#include <string>

namespace groundlink::dsp {

enum class SimdLevel { scalar = 0, avx2 = 1, avx512 = 2 };

/// Highest level this CPU (and OS, for AVX-512 state) supports.
SimdLevel cpu_simd_level();

/// cpu_simd_level() capped by the GROUNDLINK_SIMD environment variable, read once.
SimdLevel default_simd_level();

/// min(requested, cpu_simd_level()): never returns a level the CPU cannot run.
SimdLevel clamp_simd_level(SimdLevel requested);

/// min(cap, default_simd_level()): the widest kernel a dispatcher capped at `cap` may pick.
SimdLevel usable_simd_level(SimdLevel cap);

const char* to_string(SimdLevel level);

}  // namespace groundlink::dsp
