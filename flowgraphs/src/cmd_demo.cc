// groundlink demo: a synthesized pass through the real receive chain, end to end.
#include <gnuradio/blocks/vector_source.h>
#include <gnuradio/top_block.h>
#include <groundlink/api.h>
#include <groundlink/frame_decoder.h>
#include <groundlink/psk_demod.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include "chain_config.h"
#include "cli.h"
#include "commands.h"
#include "dsp/channel.h"
#include "dsp/psk_modulator.h"
#include "pass_pipeline.h"
#include "sigmf.h"
#include "sle/provider.h"
#include "sle/user.h"

#include <filesystem>
#include <unistd.h>
#include "profile.h"

namespace groundlink::app {

dsp::PskModulation modulation_of(const Profile& p);

int cmd_demo(int argc, char** argv) {
  Args args("demo",
            "Synthesize a short pass (frames -> CCSDS coding -> QPSK -> channel with carrier offset,\n"
            "Doppler rate, clock offset and noise), run it through the receive chain as a GNU Radio\n"
            "flowgraph (demodulator -> decoder), and check every frame arrived intact.\n"
            "Exit 0 only when all frames were recovered byte for byte.",
            {{"profile", "NAME|PATH", "mission profile", "ccsds-concatenated"},
             {"frames", "N", "frames in the pass (1..100000)", "300"},
             {"ebn0", "DB", "Eb/N0 per information bit (-2..30)", "5.0"},
             {"freq-offset", "FRACTION", "carrier offset as a fraction of the symbol rate", "0.008"},
             {"doppler-rate", "HZ_PER_S", "Doppler rate", "2000"},
             {"clock-ppm", "PPM", "sample-clock offset", "20"},
             {"seed", "S", "random seed", "1"}});
  if (!args.parse(argc, argv)) return kExitOk;
  const long long nframes = args.get_int("frames");
  if (nframes < 1 || nframes > 100000) throw UsageError("--frames: allowed 1..100000");
  const double ebn0 = args.get_double("ebn0");
  if (ebn0 < -2 || ebn0 > 30) throw UsageError("--ebn0: allowed -2..30 dB");
  const double foff = args.get_double("freq-offset");
  if (std::fabs(foff) > 0.02) throw UsageError("--freq-offset: allowed -0.02..0.02 of the symbol rate");
  const uint64_t seed = static_cast<uint64_t>(args.get_int("seed"));
  Profile profile;
  try {
    profile = load_profile(args.get("profile"));
  } catch (const ProfileError& e) {
    throw UsageError(e.what());
  }
  const int sps = profile.modulation.samples_per_symbol;
  const int bps = profile.modulation.bits_per_symbol();
  const double fs = profile.modulation.symbol_rate * sps;

  // Transmit: idle lead-in (the spacecraft's carrier and idle data at AOS), then the frames.
  const auto t_gen = std::chrono::steady_clock::now();
  framing::FrameGenerator gen(generator_config(profile, seed));
  framing::CaduEncoder enc(encoder_config(profile));
  std::vector<std::vector<uint8_t>> sent;
  std::vector<uint8_t> bits;
  std::mt19937_64 idle(seed + 12345);
  const size_t lead_in_symbols = 8192;
  for (size_t i = 0; i < lead_in_symbols * static_cast<size_t>(bps); ++i) bits.push_back(idle() & 1);
  for (long long i = 0; i < nframes; ++i) {
    sent.push_back(gen.next());
    enc.encode(sent.back().data(), sent.back().size(), bits);
  }
  enc.finish(bits);
  for (size_t i = 0; i < 512; ++i) bits.push_back(idle() & 1);
  dsp::PskModulatorConfig mc;
  mc.modulation = modulation_of(profile);
  mc.samples_per_symbol = static_cast<unsigned>(sps);
  mc.rolloff = profile.modulation.rolloff;
  dsp::PskModulator mod(mc);
  std::vector<std::complex<float>> tx, rx;
  mod.modulate_bits(bits.data(), bits.size(), tx);
  mod.flush(tx);
  dsp::ChannelConfig cc;
  cc.samples_per_symbol = sps;
  cc.bits_per_symbol = bps;
  cc.code_rate = profile.information_rate();
  cc.ebn0_db = ebn0;
  cc.freq_offset = foff / sps;
  cc.doppler_rate = args.get_double("doppler-rate") / (fs * fs);
  cc.phase_offset = 0.5;
  cc.clock_ppm = args.get_double("clock-ppm");
  cc.timing_offset = 0.3;
  cc.seed = seed;
  dsp::Channel channel(cc);
  channel.process(tx.data(), tx.size(), rx);
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_gen).count();

  // Receive: the flowgraph `groundlink decode` runs on a recording, fed from memory.
  std::vector<gr::tag_t> tags(1);
  tags[0].offset = rx.size() - 1;
  tags[0].key = pmt::intern(gr::groundlink::kEndOfStreamTag);
  tags[0].value = pmt::PMT_T;
  auto src = gr::blocks::vector_source_c::make(rx, false, 1, tags);
  auto demod = gr::groundlink::psk_demod::make(demod_config(profile));
  auto dcfg = decoder_config(profile);
  dcfg.iq_pairs = bps == 2;
  dcfg.start_seconds = 1767225600;  // 2026-01-01T00:00:00Z, the pass start of the demo
  dcfg.sample_period = 1.0 / fs;
  dcfg.soft_per_sample = static_cast<double>(bps) / sps;
  dcfg.soft_symbol_period = 1.0 / (profile.modulation.symbol_rate * bps);
  auto dec = gr::groundlink::frame_decoder::make(dcfg);
  // The archive lives in a temporary folder for the length of the demo.
  namespace stdfs = std::filesystem;
  const stdfs::path tmp = stdfs::temp_directory_path() / ("groundlink-demo-" + std::to_string(::getpid()));
  stdfs::create_directories(tmp);
  struct Cleanup {
    stdfs::path p;
    ~Cleanup() {
      std::error_code ec;
      stdfs::remove_all(p, ec);
    }
  } cleanup{tmp};
  PipelineConfig pc;
  pc.archive_path = (tmp / "archive.sqlite").string();
  pc.keep_frames = true;
  pc.pass.start = framing::Timestamp{dcfg.start_seconds, 0};
  pc.pass.profile = profile.name;
  pc.pass.source = "demo synthesized pass";
  PassPipeline pipeline(pc);

  // SLE: a RAF service instance (complete online delivery, BIND authentication) on a free
  // loopback port, and our own SLE user bound to it before the pass starts.
  sle::ServiceInstanceConfig si;
  si.sii = "sagr=1.spack=1.rsl-fg=1.raf=onlc1";
  si.host = "127.0.0.1";
  si.port = 0;
  si.auth = sle::AuthMode::bind;
  si.responder_id = "groundlink";
  si.responder_password = {0xA5, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  si.users = {sle::PeerConfig{"demo-user", {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07}}};
  si.delivery = sle::DeliveryMode::complete_online;
  sle::ProviderConfig prc;
  prc.instances = {si};
  sle::SleProvider provider(prc);
  provider.start();
  sle::UserConfig uc;
  uc.host = "127.0.0.1";
  uc.port = provider.port(si.sii);
  uc.sii = si.sii;
  uc.initiator_id = "demo-user";
  uc.password = si.users[0].password;
  uc.responder_id = si.responder_id;
  uc.responder_password = si.responder_password;
  uc.auth = sle::AuthMode::bind;
  uc.version = 5;
  sle::SleUser user(uc);
  std::map<std::vector<uint8_t>, int> sle_pending;
  for (const auto& f : sent) sle_pending[f]++;
  uint64_t sle_matched = 0;
  user.on_frame([&](const sle::AnnotatedFrame& f) {
    auto it = sle_pending.find(f.data);
    if (f.quality == 0 && it != sle_pending.end() && it->second > 0) {
      --it->second;
      ++sle_matched;
    }
  });
  const bool sle_bound = user.bind().positive && user.start(sle::RequestedFrameQuality::all).result.positive;
  if (!sle_bound) spdlog::error("the demo's SLE user could not bind and start");
  pipeline.attach_sle(provider);
  dec->set_frame_handler([&pipeline](const framing::Frame& f) { pipeline.on_frame(f); });
  auto tb = gr::make_top_block("groundlink-demo");
  tb->connect(src, 0, demod, 0);
  tb->connect(demod, 0, dec, 0);
  const auto t0 = std::chrono::steady_clock::now();
  tb->run();
  pipeline.finish();
  user.wait_frames(pipeline.collector().good() + pipeline.collector().bad(), std::chrono::seconds(10));
  const uint64_t sle_frames = user.stats().frames;
  if (sle_bound) {
    user.stop();
    user.unbind();
  }
  provider.stop();
  const FrameCollector& collector = pipeline.collector();
  const uint64_t archived = pipeline.archive()->count();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Match received frames to sent ones by content.
  std::map<std::vector<uint8_t>, int> pending;
  for (const auto& f : sent) pending[f]++;
  uint64_t matched = 0, foreign = 0;
  for (const auto& f : collector.frames()) {
    if (f.quality != framing::FrameQuality::good) continue;
    auto it = pending.find(f.data);
    if (it != pending.end() && it->second > 0) {
      --it->second;
      ++matched;
    } else {
      ++foreign;
    }
  }
  const auto c = dec->counters();
  const auto s = demod->status();
  const double lock_ms = s.lock_symbol > 0 ? s.lock_symbol / profile.modulation.symbol_rate * 1e3 : NAN;
  std::printf("SLE: RAF instance %s on 127.0.0.1:%u (v5, BIND authentication, complete online)\n",
              si.sii.c_str(), static_cast<unsigned>(uc.port));
  std::printf("groundlink demo: %s, %s %.3g Msym/s, %lld frames of %d bytes\n", profile.name.c_str(),
              profile.modulation.type.c_str(), profile.modulation.symbol_rate / 1e6, nframes, profile.frame.length);
  std::printf("channel: Eb/N0 %.2f dB, carrier offset %.0f Hz, Doppler rate %.0f Hz/s, clock %+.0f ppm\n", ebn0,
              foff * profile.modulation.symbol_rate, args.get_double("doppler-rate"), cc.clock_ppm);
  std::printf("  %-30s %14lld\n", "frames sent", nframes);
  std::printf("  %-30s %14llu\n", "frames decoded (good)", static_cast<unsigned long long>(collector.good()));
  std::printf("  %-30s %14llu\n", "frames decoded (erred)", static_cast<unsigned long long>(collector.bad()));
  std::printf("  %-30s %14llu\n", "frames identical to sent", static_cast<unsigned long long>(matched));
  std::printf("  %-30s %14llu\n", "frames archived (SQLite)", static_cast<unsigned long long>(archived));
  std::printf("  %-30s %14llu\n", "frames delivered over SLE RAF", static_cast<unsigned long long>(sle_frames));
  std::printf("  %-30s %14llu\n", "  of them identical to sent", static_cast<unsigned long long>(sle_matched));
  std::printf("  %-30s %14llu\n", "RS symbols corrected", static_cast<unsigned long long>(collector.rs_corrected()));
  std::printf("  %-30s %14.2f\n", "carrier lock after (ms)", lock_ms);
  std::printf("  %-30s %14.2f\n", "Eb/N0 estimate (dB)", s.ebn0_db);
  std::printf("  %-30s %14.0f\n", "carrier offset estimate (Hz)", s.freq_offset_hz);
  std::printf("  %-30s %14llu\n", "sync losses", static_cast<unsigned long long>(c.sync_losses));
  std::printf("  %-30s %14.2f\n", "signal synthesis (s)", gen_s);
  std::printf("  %-30s %14.2f\n", "receive chain (s)", elapsed);
  std::printf("  %-30s %14.1f\n", "receive chain (Msamples/s)", rx.size() / elapsed / 1e6);
  const bool ok = matched == static_cast<uint64_t>(nframes) && foreign == 0 && archived >= matched &&
                  sle_matched == static_cast<uint64_t>(nframes);
  std::printf("%s: %llu of %lld frames recovered\n", ok ? "PASS" : "FAIL", static_cast<unsigned long long>(matched),
              nframes);
  return ok ? kExitOk : kExitRuntime;
}

}  // namespace groundlink::app
