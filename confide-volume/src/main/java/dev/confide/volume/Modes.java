package dev.confide.volume;

/**
 * How an opened volume's file modes are written. A volume of one's own round-trips exactly; the
 * outputs of a program someone else's code wrote must not hand whoever unseals them a setuid or
 * setgid file (a copied shell, setuid, unsealed by root, runs as root for every local user).
 */
public enum Modes {
  /** Every bit as sealed, setuid, setgid and sticky included. */
  EXACT,
  /** Setuid and setgid cleared on every file and directory; the rest as sealed. */
  WITHOUT_SET_ID;

  int apply(int mode) {
    return this == EXACT ? mode : mode & ~06000;
  }
}
