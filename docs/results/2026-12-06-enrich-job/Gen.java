// The events for enr.sh: N JSON events {"id": i, "image": base64 JPEG}, the first 500 Fashion-MNIST test images (28x28) in turn.
import java.awt.image.BufferedImage;
import java.io.*;
import java.nio.file.*;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
public class Gen {
  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]);
    byte[] d = new GZIPInputStream(new FileInputStream("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")).readAllBytes();
    String[] b64 = new String[500];
    for (int i = 0; i < b64.length; i++) {
      BufferedImage im = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) { int v = d[16 + i * 784 + y * 28 + x] & 0xff; im.getRaster().setSample(x, y, 0, v); }
      ByteArrayOutputStream o = new ByteArrayOutputStream(); ImageIO.write(im, "jpg", o); b64[i] = Base64.getEncoder().encodeToString(o.toByteArray());
    }
    try (PrintWriter w = new PrintWriter(new BufferedWriter(new FileWriter(a[1])))) {
      for (int i = 0; i < n; i++) w.println("{\"id\":" + i + ",\"image\":\"" + b64[i % b64.length] + "\"}");
    }
  }
}
