#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <gnuradio/block.h>
#include <groundlink/iq_file_source.h>
#include <groundlink/psk_demod.h>

namespace py = pybind11;
namespace gl = gr::groundlink;

void bind_psk_demod(py::module& m) {
  py::class_<gl::psk_demod_config>(m, "psk_demod_config")
      .def(py::init<>())
      .def_readwrite("modulation", &gl::psk_demod_config::modulation)
      .def_readwrite("samples_per_symbol", &gl::psk_demod_config::samples_per_symbol)
      .def_readwrite("rolloff", &gl::psk_demod_config::rolloff)
      .def_readwrite("carrier_loop_bw", &gl::psk_demod_config::carrier_loop_bw)
      .def_readwrite("timing_loop_bw", &gl::psk_demod_config::timing_loop_bw)
      .def_readwrite("acquisition_range", &gl::psk_demod_config::acquisition_range)
      .def_readwrite("code_rate", &gl::psk_demod_config::code_rate)
      .def_readwrite("sample_rate", &gl::psk_demod_config::sample_rate)
      .def_readwrite("status_period_symbols", &gl::psk_demod_config::status_period_symbols)
      .def_readwrite("sample_tag_scale", &gl::psk_demod_config::sample_tag_scale)
      .def_readwrite("threads", &gl::psk_demod_config::threads)
      .def_readwrite("segment_samples", &gl::psk_demod_config::segment_samples)
      .def_readwrite("sample_tag_offset", &gl::psk_demod_config::sample_tag_offset);

  py::class_<gl::psk_demod_status>(m, "psk_demod_status")
      .def_readonly("acquiring", &gl::psk_demod_status::acquiring)
      .def_readonly("carrier_lock", &gl::psk_demod_status::carrier_lock)
      .def_readonly("timing_lock", &gl::psk_demod_status::timing_lock)
      .def_readonly("freq_offset_hz", &gl::psk_demod_status::freq_offset_hz)
      .def_readonly("clock_offset_ppm", &gl::psk_demod_status::clock_offset_ppm)
      .def_readonly("esn0_db", &gl::psk_demod_status::esn0_db)
      .def_readonly("ebn0_db", &gl::psk_demod_status::ebn0_db)
      .def_readonly("symbols", &gl::psk_demod_status::symbols)
      .def_readonly("nonfinite_samples", &gl::psk_demod_status::nonfinite_samples)
      .def_readonly("lock_symbol", &gl::psk_demod_status::lock_symbol)
      .def_readonly("joins", &gl::psk_demod_status::joins)
      .def_readonly("failed_joins", &gl::psk_demod_status::failed_joins);

  py::class_<gl::psk_demod, gr::block, gr::basic_block, std::shared_ptr<gl::psk_demod>>(m, "psk_demod")
      .def(py::init(&gl::psk_demod::make), py::arg("config"))
      .def("status", &gl::psk_demod::status);

  py::class_<gl::iq_file_source, gr::sync_block, gr::block, gr::basic_block,
             std::shared_ptr<gl::iq_file_source>>(m, "iq_file_source")
      .def(py::init(&gl::iq_file_source::make), py::arg("path"), py::arg("format"))
      .def("nonfinite_count", &gl::iq_file_source::nonfinite_count)
      .def("samples_total", &gl::iq_file_source::samples_total)
      .def("samples_read", &gl::iq_file_source::samples_read)
      .def("trailing_bytes", &gl::iq_file_source::trailing_bytes);
}
