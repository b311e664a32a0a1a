"""A stateful counter, as in the sconified-service example: reads, increments, writes."""
import os
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "/V1/num"
num = int(open(path).read()) if os.path.exists(path) else 0
print(f"The number of executions is {num}")
with open(path, "w") as f:
    f.write(str(num + 1))
