// Output staging for rate-changing blocks whose algorithms release output in bursts (a Viterbi
// traceback chunk, a demodulator's acquisition hand-over): the algorithm writes into this FIFO,
// general_work() hands out as much as the scheduler's window holds, and keeps the rest for the
// next call. Without it a block must refuse to run until the window fits the worst-case burst,
// and GNU Radio, which shrinks the window to what the forecast allows near the end of a stream,
// can then stall the flowgraph.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

namespace gr::groundlink {

template <typename T>
class output_fifo {
 public:
  explicit output_fifo(size_t capacity) : d_buf(capacity) {}

  bool empty() const { return d_head == d_tail; }
  size_t size() const { return d_tail - d_head; }

  /// Room for `need` items at the write position (the FIFO is empty when this is called).
  T* write_ptr(size_t need) {
    d_head = d_tail = 0;
    if (d_buf.size() < need) d_buf.resize(need);  // only when a caller asks beyond the sizing
    return d_buf.data();
  }
  /// Room for `need` more items after what was committed (end-of-stream flushes).
  T* append_ptr(size_t need) {
    if (d_buf.size() < d_tail + need) d_buf.resize(d_tail + need);
    return d_buf.data() + d_tail;
  }
  void commit(size_t n) { d_tail += n; }

  /// Copies up to `max` items to out; returns how many.
  size_t drain(T* out, size_t max) {
    const size_t n = std::min(max, size());
    if (n) std::memcpy(out, d_buf.data() + d_head, n * sizeof(T));
    d_head += n;
    return n;
  }

 private:
  std::vector<T> d_buf;
  size_t d_head = 0, d_tail = 0;
};

}  // namespace gr::groundlink
