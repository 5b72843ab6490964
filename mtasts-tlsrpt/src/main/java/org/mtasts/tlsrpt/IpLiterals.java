package org.mtasts.tlsrpt;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * IP address literals, checked and formatted without any DNS lookup (never {@code
 * InetAddress.getByName} on received text). IPv4 is the RFC 3986 {@code dec-octet} dotted quad; IPv6
 * is RFC 4291 §2.2 text, written back in the RFC 5952 canonical form that RFC 8460 §4.4 asks for.
 */
final class IpLiterals {
    private IpLiterals() {}

    /** Returns whether the text is an IPv4 or IPv6 literal. */
    static boolean isValid(String text) {
        return text.indexOf(':') >= 0 ? parseIpv6(text) != null : isIpv4(text);
    }

    /** The RFC 3986 dotted quad, checked without allocating. */
    private static boolean isIpv4(String s) {
        int octet = 0;
        int digits = 0;
        int parts = 0;
        for (int i = 0, n = s.length(); i <= n; i++) {
            char c = i < n ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || ++parts > 4) {
                    return false;
                }
                octet = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && octet == 0) {
                    return false; // RFC 3986 dec-octet: no leading zeros
                }
                octet = octet * 10 + (c - '0');
                if (++digits > 3 || octet > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return parts == 4;
    }

    /** Returns the 4 or 16 address bytes, or null if the text is not an IP literal. */
    static byte @Nullable [] parse(String text) {
        if (text.indexOf(':') >= 0) {
            return parseIpv6(text);
        }
        byte[] out = new byte[4];
        return parseIpv4(text, 0, text.length(), out, 0) ? out : null;
    }

    /**
     * Returns the canonical text of a literal: dotted quad, or RFC 5952 for IPv6 (lower case,
     * leading zeros dropped, the longest run of zero groups as {@code ::}); null if not a literal.
     */
    static @Nullable String canonicalize(String text) {
        byte[] bytes = parse(text);
        return bytes == null ? null : format(bytes);
    }

    /** Returns the canonical text of an address. */
    static String format(InetAddress address) {
        return format(address.getAddress());
    }

    static String format(byte[] bytes) {
        if (bytes.length == 4) {
            return (bytes[0] & 0xFF) + "." + (bytes[1] & 0xFF) + "." + (bytes[2] & 0xFF) + "." + (bytes[3] & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        // RFC 5952 §4.2: the longest run of two or more zero groups (the first one on a tie).
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            if (groups[i] == 0) {
                int j = i;
                while (j < 8 && groups[j] == 0) {
                    j++;
                }
                if (j - i > bestLength) {
                    bestStart = i;
                    bestLength = j - i;
                }
                i = j;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i])); // RFC 5952 §4.1, §4.3: no leading zeros, lower case
        }
        return out.toString();
    }

    private static boolean parseIpv4(String s, int from, int to, byte[] out, int at) {
        int octet = 0;
        int digits = 0;
        int parts = 0;
        for (int i = from; i <= to; i++) {
            char c = i < to ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || parts == 4) {
                    return false;
                }
                out[at + parts++] = (byte) octet;
                octet = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && octet == 0) {
                    return false; // RFC 3986 dec-octet: no leading zeros
                }
                octet = octet * 10 + (c - '0');
                digits++;
                if (octet > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return parts == 4;
    }

    private static byte @Nullable [] parseIpv6(String s) {
        int n = s.length();
        if (n < 2 || n > 45) {
            return null;
        }
        byte[] out = new byte[16];
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // group index where "::" stands
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return out; // "::"
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 5 && Character.digit(s.charAt(i), 16) >= 0) {
                value = (value << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // An embedded IPv4 address ends the text and fills two groups.
                if (count > 6 || !parseIpv4(s, start, n, out, 12)) {
                    return null;
                }
                groups[count++] = ((out[12] & 0xFF) << 8) | (out[13] & 0xFF);
                groups[count++] = ((out[14] & 0xFF) << 8) | (out[15] & 0xFF);
                i = n;
                break;
            }
            int length = i - start;
            if (length == 0 || length > 4 || count == 8) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null; // at most one "::"
                }
                gap = count;
                i++;
            } else if (i == n) {
                return null; // a single trailing ':'
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = count - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        for (int g = 0; g < 8; g++) {
            out[2 * g] = (byte) (full[g] >>> 8);
            out[2 * g + 1] = (byte) full[g];
        }
        return out;
    }
}
