# SIMD kernels live in files named *_avx2.cc / *_avx512.cc / *_sse41.cc and are compiled with
# the matching target flags only; callers reach them through runtime dispatch (cpu_features.h),
# so the library runs on any x86-64 and the scalar reference stays the default elsewhere.
function(groundlink_simd_sources target)
  get_target_property(_srcs ${target} SOURCES)
  foreach(_s ${_srcs})
    if(_s MATCHES "_avx512\\.cc$")
      set_source_files_properties(${_s} PROPERTIES COMPILE_OPTIONS
        "-mavx512f;-mavx512bw;-mavx512vl;-mavx512dq;-mavx2;-mfma;-mbmi2")
    elseif(_s MATCHES "_avx2\\.cc$")
      set_source_files_properties(${_s} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mbmi2")
    elseif(_s MATCHES "_sse41\\.cc$")
      set_source_files_properties(${_s} PROPERTIES COMPILE_OPTIONS "-msse4.1;-mssse3")
    endif()
  endforeach()
endfunction()
