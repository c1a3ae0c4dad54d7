"""groundlink GNU Radio blocks: CCSDS decoding, frame synchronisation and frame sinks."""
from gnuradio import gr  # noqa: F401  (registers the base block types pybind11 needs)

from .groundlink_python import *  # noqa: F401,F403


def make_frame_decoder_config(**fields):
    """A frame_decoder_config with the given fields set (names as in the C++ struct)."""
    cfg = frame_decoder_config()  # noqa: F405
    for key, value in fields.items():
        if not hasattr(cfg, key):
            raise AttributeError(f"frame_decoder_config has no field '{key}'")
        setattr(cfg, key, value)
    return cfg


def make_psk_demod_config(**fields):
    """A psk_demod_config with the given fields set (names as in the C++ struct)."""
    cfg = psk_demod_config()  # noqa: F405
    for key, value in fields.items():
        if not hasattr(cfg, key):
            raise AttributeError(f"psk_demod_config has no field '{key}'")
        setattr(cfg, key, value)
    return cfg
