"""A stateful counter (after SCONE's "sconifying a stateful service"): reads the integer in
/V1/num (0 when the file does not exist yet), prints it and writes it back incremented.

Confide keeps /V1 in an encrypted, rollback-protected volume: a changed, older or deleted
/V1/num is refused before this program starts.
"""
import argparse
import os


def read_int(path):
    with open(path) as f:
        return int(f.read().strip())


def write_int(path, value):
    with open(path, "w") as f:
        f.write(f"{value}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-v", default="/V1/num", help="file holding the number of executions")
    path = parser.parse_args().v
    if not os.path.exists(path):
        print(f"{path} does not exist, creating ...")
        print("And writing 0 to it ...")
        write_int(path, 0)
    num = read_int(path)
    print(f"The number of executions is {num}")
    write_int(path, num + 1)


if __name__ == "__main__":
    main()
