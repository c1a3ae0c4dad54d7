// Bindings of the test-bench blocks (frame source, channel model) and the receiver front-end.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <gnuradio/block.h>
#include <gnuradio/sync_block.h>
#include <groundlink/channel_model.h>
#include <groundlink/frame_source.h>
#include <groundlink/front_end.h>

namespace py = pybind11;
namespace gl = gr::groundlink;

void bind_bench(py::module& m) {
  using fs = gl::frame_source_config;
  py::class_<fs>(m, "frame_source_config")
      .def(py::init<>())
      .def_readwrite("format", &fs::format)
      .def_readwrite("frame_length", &fs::frame_length)
      .def_readwrite("scid", &fs::scid)
      .def_readwrite("vcid", &fs::vcid)
      .def_readwrite("fecf", &fs::fecf)
      .def_readwrite("ocf", &fs::ocf)
      .def_readwrite("seed", &fs::seed)
      .def_readwrite("conv_rate", &fs::conv_rate)
      .def_readwrite("invert_g2", &fs::invert_g2)
      .def_readwrite("randomizer", &fs::randomizer)
      .def_readwrite("rs_e", &fs::rs_e)
      .def_readwrite("rs_interleave", &fs::rs_interleave)
      .def_readwrite("rs_dual_basis", &fs::rs_dual_basis)
      .def_readwrite("asm_hex", &fs::asm_hex)
      .def_readwrite("modulation", &fs::modulation)
      .def_readwrite("samples_per_symbol", &fs::samples_per_symbol)
      .def_readwrite("rolloff", &fs::rolloff)
      .def_readwrite("frames", &fs::frames)
      .def_readwrite("lead_in_symbols", &fs::lead_in_symbols)
      .def_readwrite("tail_symbols", &fs::tail_symbols);

  py::class_<gl::frame_source, gr::sync_block, gr::block, gr::basic_block, std::shared_ptr<gl::frame_source>>(
      m, "frame_source")
      .def(py::init(&gl::frame_source::make), py::arg("config"))
      .def("frames_sent", &gl::frame_source::frames_sent)
      .def("samples_per_frame", &gl::frame_source::samples_per_frame);

  using cm = gl::channel_model_config;
  py::class_<cm>(m, "channel_model_config")
      .def(py::init<>())
      .def_readwrite("sample_rate", &cm::sample_rate)
      .def_readwrite("samples_per_symbol", &cm::samples_per_symbol)
      .def_readwrite("bits_per_symbol", &cm::bits_per_symbol)
      .def_readwrite("code_rate", &cm::code_rate)
      .def_readwrite("ebn0_db", &cm::ebn0_db)
      .def_readwrite("freq_offset_hz", &cm::freq_offset_hz)
      .def_readwrite("doppler_rate_hz_s", &cm::doppler_rate_hz_s)
      .def_readwrite("phase_offset", &cm::phase_offset)
      .def_readwrite("phase_noise_std", &cm::phase_noise_std)
      .def_readwrite("timing_offset", &cm::timing_offset)
      .def_readwrite("clock_ppm", &cm::clock_ppm)
      .def_readwrite("seed", &cm::seed);

  py::class_<gl::channel_model, gr::block, gr::basic_block, std::shared_ptr<gl::channel_model>>(m, "channel_model")
      .def(py::init(&gl::channel_model::make), py::arg("config"))
      .def("noise_variance", &gl::channel_model::noise_variance);

  py::class_<gl::front_end, gr::block, gr::basic_block, std::shared_ptr<gl::front_end>>(m, "front_end")
      .def(py::init(&gl::front_end::make), py::arg("sample_rate"), py::arg("interp") = 1u,
           py::arg("decim") = 1u, py::arg("doppler_poly_hz") = std::vector<double>{},
           py::arg("dc_block") = true, py::arg("doppler_table_s") = std::vector<double>{},
           py::arg("doppler_table_hz") = std::vector<double>{}, py::arg("doppler_time_offset_s") = 0.0);
}
