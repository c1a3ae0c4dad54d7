"""Independent references for the Python QA: small, readable implementations written from the
CCSDS text, not the project's code."""


def crc16_ccitt(data):
    """CRC-16 of CCSDS 132.0-B-3 §4.1.6: polynomial x^16+x^12+x^5+1, preset all ones."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc
