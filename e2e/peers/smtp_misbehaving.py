"""A deliberately misbehaving SMTP server for Warden's channel tests (standard library only).

--mode picks the misbehaviour:
  no-starttls        EHLO does not offer STARTTLS (a downgrade attempt); accepts anything else.
  starttls-injection answers STARTTLS with "220" and, in the same packet, a plaintext "250" reply
                     (the CVE-2011-0411 class of response injection).
  stall              accepts the connection and never sends a greeting.
  garbage            sends a greeting that is not an SMTP reply.
  reject-rcpt        offers no TLS or AUTH (use plaintext loopback) and refuses the second RCPT with 550.
Every command line received is appended to --out (one line each) so tests can check what the client sent.
Prints "READY <port>" once it listens.
"""

import argparse
import socket
import sys
import threading


def serve(conn, mode, out_path, lock):
    def record(line):
        with lock, open(out_path, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    def send(text):
        conn.sendall(text.encode())

    with conn:
        if mode == "stall":
            conn.recv(1)  # wait until the client gives up
            return
        if mode == "garbage":
            send("hello there\r\n")
            conn.recv(1024)
            return
        send("220 misbehaving.test ESMTP\r\n")
        reader = conn.makefile("rb")
        rcpt_count = 0
        in_data = False
        for raw in reader:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    record("<end of data>")
                    send("250 queued\r\n")
                continue
            record(line)
            verb = line.split(" ")[0].split(":")[0].upper()
            if verb == "EHLO":
                if mode == "starttls-injection":
                    send("250-misbehaving.test\r\n250 STARTTLS\r\n")
                else:
                    send("250-misbehaving.test\r\n250 AUTH PLAIN LOGIN\r\n")
            elif verb == "STARTTLS":
                send("220 go ahead\r\n250 injected\r\n")
            elif verb == "AUTH":
                send("235 ok\r\n")
            elif verb == "MAIL":
                send("250 ok\r\n")
            elif verb == "RCPT":
                rcpt_count += 1
                if mode == "reject-rcpt" and rcpt_count == 2:
                    send("550 5.1.1 no such user\r\n")
                else:
                    send("250 ok\r\n")
            elif verb == "DATA":
                in_data = True
                send("354 go\r\n")
            elif verb == "QUIT":
                send("221 bye\r\n")
                return
            else:
                send("500 unknown\r\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--mode", required=True, choices=["no-starttls", "starttls-injection", "stall", "garbage", "reject-rcpt"]
    )
    args = parser.parse_args()
    open(args.out, "a").close()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    lock = threading.Lock()

    def accept_loop():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn, args.mode, args.out, lock), daemon=True).start()

    threading.Thread(target=accept_loop, daemon=True).start()
    print(f"READY {listener.getsockname()[1]}", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
