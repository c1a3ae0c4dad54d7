#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <gnuradio/sync_block.h>
#include <groundlink/frame_decoder.h>

namespace py = pybind11;
namespace gl = gr::groundlink;

void bind_frame_decoder(py::module& m) {
  py::class_<gl::frame_decoder_config>(m, "frame_decoder_config")
      .def(py::init<>())
      .def_readwrite("conv_rate", &gl::frame_decoder_config::conv_rate)
      .def_readwrite("invert_g2", &gl::frame_decoder_config::invert_g2)
      .def_readwrite("randomizer", &gl::frame_decoder_config::randomizer)
      .def_readwrite("rs_e", &gl::frame_decoder_config::rs_e)
      .def_readwrite("rs_interleave", &gl::frame_decoder_config::rs_interleave)
      .def_readwrite("rs_dual_basis", &gl::frame_decoder_config::rs_dual_basis)
      .def_readwrite("rs_virtual_fill", &gl::frame_decoder_config::rs_virtual_fill)
      .def_readwrite("format", &gl::frame_decoder_config::format)
      .def_readwrite("frame_length", &gl::frame_decoder_config::frame_length)
      .def_readwrite("asm_hex", &gl::frame_decoder_config::asm_hex)
      .def_readwrite("fecf", &gl::frame_decoder_config::fecf)
      .def_readwrite("ocf", &gl::frame_decoder_config::ocf)
      .def_readwrite("scid", &gl::frame_decoder_config::scid)
      .def_readwrite("search_errors", &gl::frame_decoder_config::search_errors)
      .def_readwrite("lock_errors", &gl::frame_decoder_config::lock_errors)
      .def_readwrite("check_frames", &gl::frame_decoder_config::check_frames)
      .def_readwrite("flywheel_frames", &gl::frame_decoder_config::flywheel_frames)
      .def_readwrite("bit_slip", &gl::frame_decoder_config::bit_slip)
      .def_readwrite("iq_pairs", &gl::frame_decoder_config::iq_pairs)
      .def_readwrite("start_seconds", &gl::frame_decoder_config::start_seconds)
      .def_readwrite("start_picoseconds", &gl::frame_decoder_config::start_picoseconds)
      .def_readwrite("soft_symbol_period", &gl::frame_decoder_config::soft_symbol_period)
      .def_readwrite("sample_period", &gl::frame_decoder_config::sample_period)
      .def_readwrite("soft_per_sample", &gl::frame_decoder_config::soft_per_sample);

  py::class_<gl::frame_decoder_counters>(m, "frame_decoder_counters")
      .def_readonly("frames_good", &gl::frame_decoder_counters::frames_good)
      .def_readonly("frames_bad", &gl::frame_decoder_counters::frames_bad)
      .def_readonly("frames_undetermined", &gl::frame_decoder_counters::frames_undetermined)
      .def_readonly("rs_corrected", &gl::frame_decoder_counters::rs_corrected)
      .def_readonly("gaps", &gl::frame_decoder_counters::gaps)
      .def_readonly("sync_losses", &gl::frame_decoder_counters::sync_losses)
      .def_readonly("symbols_in", &gl::frame_decoder_counters::symbols_in);

  py::class_<gl::frame_decoder, gr::sync_block, gr::block, gr::basic_block,
             std::shared_ptr<gl::frame_decoder>>(m, "frame_decoder")
      .def(py::init(&gl::frame_decoder::make), py::arg("config"))
      .def("counters", &gl::frame_decoder::counters)
      .def("finished", &gl::frame_decoder::finished)
      .def("end_of_pass", &gl::frame_decoder::end_of_pass)
      .def("set_sample_clock", &gl::frame_decoder::set_sample_clock, py::arg("clock"));

  py::class_<gl::sample_clock, std::shared_ptr<gl::sample_clock>>(m, "sample_clock")
      .def(py::init(&gl::sample_clock::make))
      .def("points", &gl::sample_clock::points);

  py::class_<gl::hardware_time_probe, gr::sync_block, gr::block, gr::basic_block,
             std::shared_ptr<gl::hardware_time_probe>>(m, "hardware_time_probe")
      .def(py::init(&gl::hardware_time_probe::make), py::arg("clock"))
      .def("tags_seen", &gl::hardware_time_probe::tags_seen);
}
