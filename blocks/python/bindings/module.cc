#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <gnuradio/block.h>
#include <gnuradio/sync_block.h>
#include <groundlink/frame_file_sink.h>
#include <groundlink/soft_file_source.h>
#include <groundlink/viterbi_decoder.h>

namespace py = pybind11;
namespace gl = gr::groundlink;

void bind_frame_decoder(py::module& m);
void bind_psk_demod(py::module& m);
void bind_bench(py::module& m);

PYBIND11_MODULE(groundlink_python, m) {
  py::module::import("gnuradio.gr");
  m.attr("END_OF_STREAM_TAG") = gl::kEndOfStreamTag;

  py::class_<gl::soft_file_source, gr::sync_block, gr::block, gr::basic_block,
             std::shared_ptr<gl::soft_file_source>>(m, "soft_file_source")
      .def(py::init(&gl::soft_file_source::make), py::arg("path"), py::arg("format"),
           py::arg("scale") = 0.0f)
      .def("nonfinite_count", &gl::soft_file_source::nonfinite_count)
      .def("items_total", &gl::soft_file_source::items_total);

  py::class_<gl::viterbi_decoder, gr::block, gr::basic_block, std::shared_ptr<gl::viterbi_decoder>>(
      m, "viterbi_decoder")
      .def(py::init(&gl::viterbi_decoder::make), py::arg("rate") = "1/2", py::arg("invert_g2") = true,
           py::arg("traceback") = 96);

  py::class_<gl::frame_file_sink, gr::block, gr::basic_block, std::shared_ptr<gl::frame_file_sink>>(
      m, "frame_file_sink")
      .def(py::init(&gl::frame_file_sink::make), py::arg("path"), py::arg("skip_erred") = true)
      .def("frames_written", &gl::frame_file_sink::frames_written)
      .def("frames_skipped", &gl::frame_file_sink::frames_skipped);

  bind_frame_decoder(m);
  bind_psk_demod(m);
  bind_bench(m);
}
