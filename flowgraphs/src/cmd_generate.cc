// groundlink generate: the test-bench signal generator (frames -> coding -> modulation -> channel
// -> SigMF recording with the truth in its metadata).
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "chain_config.h"
#include "cli.h"
#include "commands.h"
#include "dsp/channel.h"
#include "dsp/psk_modulator.h"
#include "profile.h"
#include "sigmf.h"

namespace groundlink::app {

dsp::PskModulation modulation_of(const Profile& p) {
  if (p.modulation.type == "bpsk") return dsp::PskModulation::bpsk;
  if (p.modulation.type == "oqpsk") return dsp::PskModulation::oqpsk;
  return dsp::PskModulation::qpsk;
}

int cmd_generate(int argc, char** argv) {
  Args args("generate",
            "Test-bench signal generator: random transfer frames -> the profile's CCSDS coding ->\n"
            "PSK modulation (RRC) -> channel (AWGN at Eb/N0 per information bit, carrier offset, Doppler\n"
            "rate, phase, timing offset, sample-clock drift) -> SigMF recording (cf32), with the truth\n"
            "(frames, seed, parameters) under global.groundlink:truth.",
            {{"profile", "NAME|PATH", "mission profile", "ccsds-concatenated"},
             {"out", "NAME", "output stem: NAME.sigmf-data and NAME.sigmf-meta", ""},
             {"frames", "N", "transfer frames (1..1000000)", "100"},
             {"ebn0", "DB", "Eb/N0 per information bit in dB (inf = no noise)", "10"},
             {"freq-offset", "HZ", "carrier frequency offset", "0"},
             {"doppler-rate", "HZ_PER_S", "rate of change of the carrier offset", "0"},
             {"phase", "RAD", "carrier phase offset", "0"},
             {"phase-noise", "RAD", "Wiener phase-noise increment per sample (std)", "0"},
             {"timing-offset", "SAMPLES", "initial fractional timing offset, 0..64", "0"},
             {"clock-ppm", "PPM", "receiver sample-clock offset", "0"},
             {"lead-in", "SYMBOLS", "random idle symbols before the first frame", "0"},
             {"sample-rate", "HZ", "sample rate (default: symbol rate x samples per symbol)", "0"},
             {"center-freq", "HZ", "centre frequency recorded in the metadata", "8.4e9"},
             {"datetime", "ISO8601", "capture start (UTC) recorded in the metadata", "2026-01-01T00:00:00Z"},
             {"seed", "S", "random seed (frames, noise)", "1"}});
  if (!args.parse(argc, argv)) return kExitOk;
  if (!args.has("out")) throw UsageError("--out is required");
  Profile profile;
  try {
    profile = load_profile(args.get("profile"));
  } catch (const ProfileError& e) {
    throw UsageError(e.what());
  }
  const long long nframes = args.get_int("frames");
  if (nframes < 1 || nframes > 1000000) throw UsageError("--frames: allowed 1..1000000");
  const uint64_t seed = static_cast<uint64_t>(args.get_int("seed"));
  const int sps = profile.modulation.samples_per_symbol;
  double fs = args.get_double("sample-rate");
  const double fs_mod = profile.modulation.symbol_rate * sps;  // the modulator's sample clock
  if (fs == 0) fs = fs_mod;
  // The recording may be at any rate that keeps the signal's band: the channel resamples to it.
  if (!(fs >= 1.5 * profile.modulation.symbol_rate && fs <= 16 * fs_mod))
    throw UsageError("--sample-rate: allowed " + std::to_string(1.5 * profile.modulation.symbol_rate) + " .. " +
                     std::to_string(16 * fs_mod) + " Hz (1.5 samples/symbol .. 16 x symbol_rate x samples_per_symbol)");
  const std::string ebn0_s = args.get("ebn0");
  const double ebn0 = (ebn0_s == "inf") ? INFINITY : args.get_double("ebn0");
  if (!(ebn0 >= -5) ) throw UsageError("--ebn0: allowed -5..inf dB");
  const double foff = args.get_double("freq-offset");
  if (std::fabs(foff) >= 0.45 * fs) throw UsageError("--freq-offset must be within +-0.45 x sample rate");
  const long long lead_in = args.get_int("lead-in");
  if (lead_in < 0 || lead_in > 100000000) throw UsageError("--lead-in: allowed 0..1e8 symbols");
  const std::string datetime = args.get("datetime");
  try {
    parse_iso8601(datetime);
  } catch (const SigmfError& e) {
    throw UsageError(std::string("--datetime: ") + e.what());
  }

  dsp::PskModulatorConfig mc;
  mc.modulation = modulation_of(profile);
  mc.samples_per_symbol = static_cast<unsigned>(sps);
  mc.rolloff = profile.modulation.rolloff;
  dsp::ChannelConfig cc;
  cc.samples_per_symbol = sps;
  cc.bits_per_symbol = profile.modulation.bits_per_symbol();
  cc.code_rate = profile.information_rate();
  cc.ebn0_db = std::isfinite(ebn0) ? ebn0 : 1e300;
  cc.freq_offset = foff / fs;
  cc.doppler_rate = args.get_double("doppler-rate") / (fs * fs);
  cc.phase_offset = args.get_double("phase");
  cc.phase_noise_std = args.get_double("phase-noise");
  cc.timing_offset = args.get_double("timing-offset");
  cc.clock_ppm = args.get_double("clock-ppm");
  cc.rate_ratio = fs / fs_mod;
  cc.seed = seed;
  std::unique_ptr<dsp::PskModulator> mod;
  std::unique_ptr<dsp::Channel> channel;
  try {
    mc.validate();
    cc.validate();
    mod = std::make_unique<dsp::PskModulator>(mc);
    channel = std::make_unique<dsp::Channel>(cc);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }

  const std::string data_path = sigmf_data_path(args.get("out"));
  std::FILE* f = std::fopen(data_path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot create '" + data_path + "'");
  uint64_t samples = 0;
  std::vector<std::complex<float>> tx, rx;
  auto emit = [&](bool last) {
    if (last) mod->flush(tx);
    channel->process(tx.data(), tx.size(), rx);
    if (!rx.empty() && std::fwrite(rx.data(), sizeof(rx[0]), rx.size(), f) != rx.size()) {
      std::fclose(f);
      throw std::runtime_error("write to '" + data_path + "' failed (disk full?)");
    }
    samples += rx.size();
    tx.clear();
    rx.clear();
  };
  std::mt19937_64 idle_rng(seed ^ 0x9E3779B97F4A7C15ULL);
  std::vector<uint8_t> bits;
  if (lead_in > 0) {
    bits.resize(static_cast<size_t>(lead_in) * static_cast<size_t>(profile.modulation.bits_per_symbol()));
    for (auto& b : bits) b = idle_rng() & 1;
    mod->modulate_bits(bits.data(), bits.size(), tx);
    emit(false);
  }
  framing::FrameGenerator gen(generator_config(profile, seed));
  framing::CaduEncoder enc(encoder_config(profile));
  for (long long i = 0; i < nframes; ++i) {
    bits.clear();
    const auto frame = gen.next();
    enc.encode(frame.data(), frame.size(), bits);
    if (i + 1 == nframes) enc.finish(bits);
    mod->modulate_bits(bits.data(), bits.size(), tx);
    emit(i + 1 == nframes);
  }
  std::fclose(f);

  SigmfMeta meta;
  meta.datatype = "cf32_le";
  meta.sample_rate = fs;
  meta.frequency = args.get_double("center-freq");
  meta.datetime = datetime;
  meta.description = "groundlink generate: " + profile.name;
  meta.extra = {{"profile", profile.name},
                {"frames", nframes},
                {"frame_length", profile.frame.length},
                {"seed", seed},
                {"modulation", profile.modulation.type},
                {"symbol_rate", profile.modulation.symbol_rate},
                {"ebn0_db", std::isfinite(ebn0) ? nlohmann::json(ebn0) : nlohmann::json("inf")},
                {"freq_offset_hz", foff},
                {"doppler_rate_hz_per_s", args.get_double("doppler-rate")},
                {"phase_rad", cc.phase_offset},
                {"phase_noise_rad", cc.phase_noise_std},
                {"timing_offset_samples", cc.timing_offset},
                {"clock_ppm", cc.clock_ppm},
                {"lead_in_symbols", lead_in},
                {"samples", samples}};
  write_sigmf_meta(data_path, meta);
  std::printf("%s\n", nlohmann::json({{"out", data_path}, {"samples", samples}, {"frames", nframes},
                                      {"sample_rate", fs}}).dump().c_str());
  return kExitOk;
}

}  // namespace groundlink::app
