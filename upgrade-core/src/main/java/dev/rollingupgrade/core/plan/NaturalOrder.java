package dev.rollingupgrade.core.plan;

import java.util.Comparator;

/**
 * Natural order of instance ids and zone names: runs of digits compare as numbers, so
 * {@code 2} comes before {@code 10} and {@code vm-9} before {@code vm-10}. Equal numbers with
 * different leading zeros fall back to plain text order, so the order is total.
 */
public final class NaturalOrder implements Comparator<String> {
  /** The shared instance (stateless, thread-safe). */
  public static final NaturalOrder INSTANCE = new NaturalOrder();

  private NaturalOrder() {}

  @Override
  public int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (isDigit(ca) && isDigit(cb)) {
        int endA = digitsEnd(a, i);
        int endB = digitsEnd(b, j);
        int byNumber = compareDigits(a, skipZeros(a, i, endA), endA, b, skipZeros(b, j, endB), endB);
        if (byNumber != 0) {
          return byNumber;
        }
        i = endA;
        j = endB;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    int byLength = Integer.compare(a.length() - i, b.length() - j);
    return byLength != 0 ? byLength : a.compareTo(b);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int digitsEnd(String s, int from) {
    int k = from;
    while (k < s.length() && isDigit(s.charAt(k))) {
      k++;
    }
    return k;
  }

  private static int skipZeros(String s, int from, int end) {
    int k = from;
    while (k < end - 1 && s.charAt(k) == '0') {
      k++;
    }
    return k;
  }

  // digit runs of any length, compared without overflow: longer is larger, then digit by digit
  private static int compareDigits(String a, int fromA, int endA, String b, int fromB, int endB) {
    int byLength = Integer.compare(endA - fromA, endB - fromB);
    if (byLength != 0) {
      return byLength;
    }
    for (int k = 0; k < endA - fromA; k++) {
      int byDigit = Character.compare(a.charAt(fromA + k), b.charAt(fromB + k));
      if (byDigit != 0) {
        return byDigit;
      }
    }
    return 0;
  }
}
