// Phase ambiguity: every rotation and I/Q swap of a QPSK soft stream still decodes every frame.
#include <gtest/gtest.h>

#include <random>

#include "dsp/soft_channel.h"
#include "framing/phase_ambiguity.h"
#include "framing/transmitter.h"

using namespace groundlink;
using framing::PairTransform;

namespace {

framing::DecoderChainConfig concatenated() {
  framing::DecoderChainConfig c;
  c.coding = framing::ChannelCoding::conv;
  c.frame.format = framing::FrameFormat::tm;
  c.frame.frame_length = 1115;
  dsp::RsConfig rs;
  rs.e = 16;
  rs.interleave = 5;
  c.frame.rs = rs;
  c.frame.fecf = true;
  return c;
}

/// A QPSK soft stream of `frames` concatenated-coded frames at Eb/N0 6 dB, pairs (I, Q).
std::vector<dsp::soft_t> stream(int frames, std::vector<std::vector<uint8_t>>& sent) {
  framing::FrameGeneratorConfig g;
  g.length = 1115;
  framing::FrameGenerator gen(g);
  framing::CaduEncoderConfig ec;
  dsp::RsConfig rs;
  rs.e = 16;
  rs.interleave = 5;
  ec.rs = rs;
  ec.conv = dsp::ConvCodeConfig{};
  framing::CaduEncoder enc(ec);
  std::vector<uint8_t> sym;
  for (int i = 0; i < frames; ++i) {
    sent.push_back(gen.next());
    enc.encode(sent.back().data(), sent.back().size(), sym);
  }
  enc.finish(sym);
  dsp::SoftChannelConfig sc;
  sc.ebn0_db = 6.0;
  sc.info_bits_per_symbol = 0.5 * 1115.0 / 1279.0;
  dsp::SoftAwgnChannel ch(sc);
  std::vector<dsp::soft_t> soft(sym.size());
  ch.process(sym.data(), sym.size(), soft.data());
  return soft;
}

/// The eight QPSK ambiguities: 4 rotations x (spectrum upright or inverted), applied to (I, Q).
std::vector<dsp::soft_t> rotate(const std::vector<dsp::soft_t>& s, int rot, bool inverted) {
  std::vector<dsp::soft_t> o(s.size());
  for (size_t i = 0; i + 1 < s.size(); i += 2) {
    int a = s[i], b = s[i + 1];
    if (inverted) b = -b;
    for (int r = 0; r < rot; ++r) {  // multiply by j: (a, b) -> (-b, a)
      const int t = a;
      a = -b;
      b = t;
    }
    o[i] = static_cast<dsp::soft_t>(a);
    o[i + 1] = static_cast<dsp::soft_t>(b);
  }
  return o;
}

}  // namespace

TEST(PhaseAmbiguity, PairTransformsAreTheirDefinitions) {
  const dsp::soft_t in[4] = {10, -20, 30, 40};
  dsp::soft_t out[4];
  framing::apply_pair_transform(PairTransform::rotate, in, 4, 0, out);
  EXPECT_EQ(std::vector<int>(out, out + 4), (std::vector<int>{-20, -10, 40, -30}));
  framing::apply_pair_transform(PairTransform::swap, in, 4, 0, out);
  EXPECT_EQ(std::vector<int>(out, out + 4), (std::vector<int>{-20, 10, 40, 30}));
  framing::apply_pair_transform(PairTransform::conjugate, in, 4, 0, out);
  EXPECT_EQ(std::vector<int>(out, out + 4), (std::vector<int>{10, 20, 30, -40}));
}

TEST(PhaseAmbiguity, EveryRotationAndInversionDecodes) {
  std::vector<std::vector<uint8_t>> sent;
  const auto soft = stream(12, sent);
  for (int inverted = 0; inverted < 2; ++inverted) {
    for (int rot = 0; rot < 4; ++rot) {
      framing::AmbiguityResolverConfig cfg;
      cfg.chain = concatenated();
      cfg.iq_pairs = true;
      framing::AmbiguityResolvingDecoder dec(cfg);
      const auto in = rotate(soft, rot, inverted);
      std::vector<framing::Frame> out;
      auto keep = [&out](const framing::Frame& f) { out.push_back(f); };
      // Odd chunk sizes: pairs straddle calls.
      for (size_t i = 0; i < in.size(); i += 4097) dec.process(in.data() + i, std::min<size_t>(4097, in.size() - i), keep);
      dec.flush(keep);
      size_t good = 0;
      for (const auto& f : out)
        if (f.quality == framing::FrameQuality::good && f.data == sent[f.vc_frame_count]) ++good;
      EXPECT_EQ(good, sent.size()) << "rotation " << rot * 90 << " inverted " << inverted;
      EXPECT_GE(dec.locked_transform(), 0);
    }
  }
}

TEST(PhaseAmbiguity, WithoutPairsOnlyTheAsmPolarityIsResolved) {
  std::vector<std::vector<uint8_t>> sent;
  const auto soft = stream(6, sent);
  framing::AmbiguityResolverConfig cfg;
  cfg.chain = concatenated();
  cfg.iq_pairs = false;
  framing::AmbiguityResolvingDecoder dec(cfg);
  EXPECT_EQ(dec.transforms(), 1u);
  std::vector<framing::Frame> out;
  auto keep = [&out](const framing::Frame& f) { out.push_back(f); };
  const auto in = rotate(soft, 1, false);  // 90 degrees: not resolvable without pair transforms
  dec.process(in.data(), in.size(), keep);
  dec.flush(keep);
  size_t good = 0;
  for (const auto& f : out) good += f.quality == framing::FrameQuality::good;
  EXPECT_EQ(good, 0u);
}
