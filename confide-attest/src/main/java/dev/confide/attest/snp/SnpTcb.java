package dev.confide.attest.snp;

/**
 * A TCB version: the security patch levels of the firmware parts (FMC on Turin only, -1 elsewhere;
 * boot loader, PSP OS "TEE", SNP firmware, microcode) and the raw little-endian u64 they came from.
 */
public record SnpTcb(int fmc, int bootloader, int tee, int snp, int microcode, long raw) {
  /** Whether every part is at least {@code minimum}'s (FMC only where both have one). */
  public boolean atLeast(SnpTcb minimum) {
    return bootloader >= minimum.bootloader && tee >= minimum.tee && snp >= minimum.snp && microcode >= minimum.microcode
        && (fmc < 0 || minimum.fmc < 0 || fmc >= minimum.fmc);
  }

  /** Whether the parts are the same (the raw values may differ in reserved bytes). */
  public boolean sameLevels(SnpTcb other) {
    return fmc == other.fmc && bootloader == other.bootloader && tee == other.tee && snp == other.snp
        && microcode == other.microcode;
  }

  @Override
  public String toString() {
    return (fmc >= 0 ? "fmc=" + fmc + " " : "") + "bl=" + bootloader + " tee=" + tee + " snp=" + snp + " ucode=" + microcode;
  }

  /**
   * A TCB as people write it: {@code bl=3,tee=0,snp=8,ucode=115} (and {@code fmc=N} on Turin),
   * each 0–255; empty when {@code spec} is not one.
   */
  public static java.util.Optional<SnpTcb> parse(String spec) {
    java.util.Map<String, Integer> parts = new java.util.HashMap<>();
    for (String part : spec.split(",", -1)) {
      String[] kv = part.split("=", 2);
      if (kv.length != 2 || !java.util.Set.of("fmc", "bl", "tee", "snp", "ucode").contains(kv[0].strip())
          || !kv[1].strip().matches("\\d{1,3}") || Integer.parseInt(kv[1].strip()) > 255 || parts.containsKey(kv[0].strip())) {
        return java.util.Optional.empty();
      }
      parts.put(kv[0].strip(), Integer.parseInt(kv[1].strip()));
    }
    if (!parts.keySet().containsAll(java.util.Set.of("bl", "tee", "snp", "ucode"))) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new SnpTcb(parts.getOrDefault("fmc", -1), parts.get("bl"), parts.get("tee"), parts.get("snp"),
        parts.get("ucode"), 0));
  }
}
