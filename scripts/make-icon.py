# Draws the app icon (resources/icon.png, 512×512, plus the sizes Linux wants) without any image library: a blue rounded
# square with a white "play" triangle over a book, written as PNG with zlib. Run: python3 scripts/make-icon.py
import struct, zlib, os

def png(path, size):
    s = size / 512
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            X, Y = x / s, y / s
            # rounded square, radius 96
            r = 96
            cx = min(max(X, r), 512 - r); cy = min(max(Y, r), 512 - r)
            inside = (X - cx) ** 2 + (Y - cy) ** 2 <= r * r and 0 <= X < 512 and 0 <= Y < 512
            if not inside:
                row += bytes([0, 0, 0, 0]); continue
            color = (21, 101, 192, 255)  # --primary
            # open book: two white pages at the bottom
            if 330 <= Y <= 410 and 96 <= X <= 416 and abs(X - 256) > 6:
                color = (255, 255, 255, 255)
            # play triangle (screen of the live lesson)
            if 110 <= Y <= 300:
                half = (Y - 110) if Y <= 205 else (300 - Y)
                if 206 <= X <= 206 + half * 1.15:
                    color = (255, 255, 255, 255)
            row += bytes(color)
        rows.append(bytes(row))
    raw = b''.join(rows)
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(data)

root = os.path.join(os.path.dirname(__file__), '..', 'resources')
os.makedirs(os.path.join(root, 'icons'), exist_ok=True)
png(os.path.join(root, 'icon.png'), 512)
for n in (16, 32, 48, 64, 128, 256):
    png(os.path.join(root, 'icons', f'{n}x{n}.png'), n)
