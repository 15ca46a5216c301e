// The oracle for java-utf8.test.ts: for each line of hex on stdin, prints the UTF-16 units of
// new String(bytes, UTF_8) as hex (4 digits each), the way Jute's BinaryInputArchive reads it.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class JavaUtf8Oracle {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            byte[] bytes = new byte[line.length() / 2];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) Integer.parseInt(line.substring(2 * i, 2 * i + 2), 16);
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            for (int i = 0; i < text.length(); i++) {
                out.append(String.format("%04x", (int) text.charAt(i)));
            }
            out.append('\n');
        }
        System.out.print(out);
    }
}
