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
}
