"""groundlink GNU Radio blocks: CCSDS decoding, frame synchronisation, frame sinks and the test
bench (frame source, channel model)."""
from gnuradio import gr  # noqa: F401  (registers the base block types pybind11 needs)

from .groundlink_python import *  # noqa: F401,F403


def _make(config_type, name, fields):
    cfg = config_type()
    for key, value in fields.items():
        if not hasattr(cfg, key):
            raise AttributeError(f"{name} has no field '{key}'")
        setattr(cfg, key, value)
    return cfg


def make_frame_decoder_config(**fields):
    """A frame_decoder_config with the given fields set (names as in the C++ struct)."""
    return _make(frame_decoder_config, "frame_decoder_config", fields)  # noqa: F405


def make_psk_demod_config(**fields):
    """A psk_demod_config with the given fields set (names as in the C++ struct)."""
    return _make(psk_demod_config, "psk_demod_config", fields)  # noqa: F405


def make_frame_source_config(**fields):
    """A frame_source_config with the given fields set (names as in the C++ struct)."""
    return _make(frame_source_config, "frame_source_config", fields)  # noqa: F405


def make_channel_model_config(**fields):
    """A channel_model_config with the given fields set (names as in the C++ struct)."""
    return _make(channel_model_config, "channel_model_config", fields)  # noqa: F405
