// Profile -> block configurations.
#pragma once

#include <groundlink/frame_decoder.h>
#include <groundlink/psk_demod.h>

#include "framing/transmitter.h"
#include "profile.h"

namespace groundlink::app {

gr::groundlink::frame_decoder_config decoder_config(const Profile& p);
gr::groundlink::psk_demod_config demod_config(const Profile& p);
framing::CaduEncoderConfig encoder_config(const Profile& p);
framing::FrameGeneratorConfig generator_config(const Profile& p, uint64_t seed);

}  // namespace groundlink::app
