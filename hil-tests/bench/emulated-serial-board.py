#!/usr/bin/env python3
"""A DeviceScript board on a serial port, emulated: a dry run of the physical-board path
(`devs devtools --serial`, HIL_PORT) without hardware. hil-tests/README.md "Physical bench".

What a board gives `devs devtools --serial`, and what this gives it instead:
  - a USB serial port of a DeviceScript vendor, found by serialport's list (`udevadm info -e` on
    Linux): a pseudo-terminal, linked as <dir>/ttyACM0, and a fake `udevadm` in <dir>/bin that
    lists it as an Espressif (303a:1001) port. Put <dir>/bin first on PATH for devtools and the
    harness; HIL_PORT=<dir>/ttyACM0.
  - the runtime speaking the JDUSB framing on that port (jacdac-ts JdUsbProto: Jacdac frames
    between 0xFE 0xFC and 0xFE 0xFD, 0xFE escaped as 0xFE 0xF8; bytes outside frames are the
    board's serial log, which devtools prints as "DEV> " lines): the DeviceScript VM
    (`devs run --tcp --wait`, its own device id and flash in <dir>/flash), whose Jacdac frames
    this bridges between its TCP connection (127.0.0.1:8082, served here) and the port, and whose
    console lines it writes to the port as the board's log ("> line").
  - a reset (Jacdac control service): the VM's runtime halts ("Program terminated with exit(0)");
    this starts it again on its flash, as the chip reboots. The port stays open (a USB-UART bridge
    chip such as CP210x or CH34x; a board with native USB would re-enumerate).

The VM connects to the fixed 127.0.0.1:8082, which devtools also serves: run this in its own
network namespace, e.g.
  unshare -rn sh -c 'ip link set lo up && exec python3 hil-tests/bench/emulated-serial-board.py /tmp/hil-serial'
Stop it with Ctrl-C or SIGTERM (it stops its VM).
"""
import os
import select
import signal
import socket
import subprocess
import sys
import tty

HERE = os.path.dirname(os.path.abspath(__file__))
DEVS = os.path.join(HERE, '..', '..', 'node_modules', '@devicescript', 'cli', 'devicescript')
DEVICE_ID = 'e5e1a1b0a4d00001'
SRV_USB_BRIDGE = 418781770
MAGIC, LITERAL_MAGIC, FRAME_START, FRAME_END = 0xFE, 0xF8, 0xFC, 0xFD


def log(*a):
    print('[emulated board]', *a, file=sys.stderr, flush=True)


def jdusb_encode(frame: bytes) -> bytes:
    return bytes([MAGIC, FRAME_START]) + frame.replace(bytes([MAGIC]), bytes([MAGIC, LITERAL_MAGIC])) + bytes([MAGIC, FRAME_END])


class JdUsbDecoder:
    """Host → board bytes: frames between FE FC and FE FD; everything else ignored."""

    def __init__(self):
        self.was_magic = False
        self.in_frame = False
        self.buf = bytearray()

    def push(self, data: bytes):
        frames = []
        for c in data:
            if self.was_magic:
                self.was_magic = False
                if c == FRAME_START:
                    self.in_frame, self.buf = True, bytearray()
                    continue
                if c == FRAME_END:
                    if self.in_frame:
                        frames.append(bytes(self.buf))
                    self.in_frame = False
                    continue
                if c == LITERAL_MAGIC:
                    c = MAGIC
                elif c == MAGIC:
                    self.was_magic = True
                    continue
                else:
                    continue
            elif c == MAGIC:
                self.was_magic = True
                continue
            if self.in_frame:
                self.buf.append(c)
        return frames


def is_bridge_processing(frame: bytes) -> bool:
    return len(frame) >= 8 and (frame[3] & 0x04) != 0 and int.from_bytes(frame[4:8], 'little') == SRV_USB_BRIDGE


def write_udevadm(bindir: str, link: str):
    os.makedirs(bindir, exist_ok=True)
    path = os.path.join(bindir, 'udevadm')
    with open(path, 'w') as f:
        f.write(f"""#!/bin/sh
# Fake udevadm for serialport's port list: one Espressif USB serial port (emulated-serial-board.py).
[ "$1 $2" = "info -e" ] || exit 1
cat <<'EOF'
P: /devices/emulated/usb1/1-1/1-1:1.0/tty/ttyACM0
N: ttyACM0
E: DEVNAME={link}
E: SUBSYSTEM=tty
E: ID_VENDOR_ID=303a
E: ID_MODEL_ID=1001
E: ID_VENDOR_ENC=Espressif
E: ID_SERIAL_SHORT=EMULATED0001

EOF
""")
    os.chmod(path, 0o755)


def main():
    d = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else '/tmp/hil-serial')
    os.makedirs(os.path.join(d, 'flash'), exist_ok=True)
    master, slave = os.openpty()
    tty.setraw(slave)
    link = os.path.join(d, 'ttyACM0')
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.ttyname(slave), link)
    write_udevadm(os.path.join(d, 'bin'), link)
    os.set_blocking(master, False)

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', 8082))
    listener.listen(1)

    state = {'vm': None, 'sock': None, 'sock_buf': b'', 'out': bytearray(), 'line': b'', 'boots': 0}
    decoder = JdUsbDecoder()

    def start_vm():
        state['boots'] += 1
        log(f'VM boot {state["boots"]}')
        env = dict(os.environ, NO_COLOR='1', FORCE_COLOR='0', NO_UPDATE_NOTIFIER='1', CI='1')
        state['vm'] = subprocess.Popen(['node', DEVS, 'run', '--tcp', '--wait', '--device-id', DEVICE_ID],
                                       cwd=os.path.join(d, 'flash'), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, env=env)
        os.set_blocking(state['vm'].stdout.fileno(), False)

    def stop_vm():
        vm = state['vm']
        state['vm'] = None
        if vm and vm.poll() is None:
            vm.kill()
            vm.wait()
        if state['sock']:
            state['sock'].close()
            state['sock'] = None
        state['line'] = b''

    def to_port(data: bytes):
        state['out'] += data
        if len(state['out']) > 1 << 18:  # nobody reading the port: a UART drops it
            del state['out'][:len(state['out']) - (1 << 16)]

    def on_signal(*_):
        stop_vm()
        log('stopped')
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    start_vm()
    log(f'port {link} -> {os.ttyname(slave)}; PATH={os.path.join(d, "bin")}:$PATH HIL_PORT={link}')

    while True:
        rl = [master, listener] + ([state['sock']] if state['sock'] else []) + ([state['vm'].stdout] if state['vm'] else [])
        wl = [master] if state['out'] else []
        r, w, _ = select.select(rl, wl, [], 0.5)
        if master in w:
            try:
                n = os.write(master, state['out'])
                del state['out'][:n]
            except BlockingIOError:
                pass
        if master in r:
            try:
                data = os.read(master, 4096)
            except (BlockingIOError, OSError):
                data = b''
            for fr in decoder.push(data):
                if is_bridge_processing(fr) or not state['sock']:
                    continue
                hdr = bytes([len(fr)]) if len(fr) < 255 else bytes([0xFF, len(fr) & 0xFF, len(fr) >> 8])
                state['sock'].sendall(hdr + fr)
        if listener in r:
            s, _ = listener.accept()
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if state['sock']:
                state['sock'].close()
            state['sock'], state['sock_buf'] = s, b''
        if state['sock'] and state['sock'] in r:
            data = state['sock'].recv(65536)
            if not data:
                state['sock'].close()
                state['sock'] = None
            else:
                buf = state['sock_buf'] + data
                while buf:
                    n, off = buf[0], 1
                    if n == 0xFF:
                        if len(buf) < 3:
                            break
                        n, off = buf[1] | (buf[2] << 8), 3
                    if len(buf) < off + n:
                        break
                    to_port(jdusb_encode(buf[off:off + n]))
                    buf = buf[off + n:]
                state['sock_buf'] = buf
        if state['vm'] and state['vm'].stdout in r:
            try:
                chunk = state['vm'].stdout.read() or b''
            except BlockingIOError:
                chunk = b''
            state['line'] += chunk
            *lines, state['line'] = state['line'].split(b'\n')
            halted = False
            for raw in lines:
                text = raw.rstrip(b'\r')
                if text.startswith(b'WASM> '):
                    to_port(b'> ' + text[6:] + b'\n')
                if b'Program terminated with exit(' in text:
                    halted = True
            if halted or (not chunk and state['vm'].poll() is not None):
                log('runtime halted (reset): rebooting')
                stop_vm()
                start_vm()


if __name__ == '__main__':
    main()
