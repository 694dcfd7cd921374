package org.openred.social;

import org.openred.kernel.Problem;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Avatars as the node serves them: a PNG or JPEG of at most 1 MiB, decoded by the JDK's own codecs
 * (ImageIO), its size read from the header before any pixel is and a large one decoded subsampled (no
 * decompression bomb, a small raster), scaled to fit
 * 256 x 256 and encoded anew, so no metadata, trailing data, polyglot or script survives: only pixels.
 * Runs on a worker.
 */
final class Avatars {
  static final int MAX_BYTES = 1024 * 1024;
  static final int MAX_SIDE = 256;
  private static final int MAX_SOURCE_SIDE = 8192;

  private Avatars() {
  }

  /** A re-encoded avatar: its media type and bytes. */
  record Avatar(String type, byte[] bytes) {
  }

  static Avatar reencode(byte[] upload) {
    if (upload.length == 0 || upload.length > MAX_BYTES) {
      throw new Problem(413, "avatar-too-large", "an avatar is a PNG or JPEG of at most 1 MiB");
    }
    String format = format(upload);
    BufferedImage source;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(upload))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
      if (!readers.hasNext()) {
        throw new Problem(415, "unsupported-image", "this node reads PNG and JPEG avatars");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1 || width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE) {
          throw new Problem(400, "invalid-image", "an avatar is at most " + MAX_SOURCE_SIDE + " pixels on each side");
        }
        // Every n-th pixel only, so a large picture costs a small raster: the heap of a small node is 64 MiB.
        int step = Math.max(1, Math.max(width, height) / (2 * MAX_SIDE));
        javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(step, step, 0, 0);
        source = reader.read(0, param);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof Problem problem) {
        throw problem;
      }
      throw new Problem(400, "invalid-image", "the image cannot be decoded as " + format.toUpperCase(Locale.ROOT));
    }
    double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(source.getWidth(), source.getHeight()));
    int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
    int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
    boolean png = format.equals("png");
    BufferedImage target = new BufferedImage(width, height, png ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return new Avatar(png ? "image/png" : "image/jpeg", encode(target, format));
  }

  /** PNG or JPEG by their signatures; anything else is refused before a decoder sees it. */
  private static String format(byte[] bytes) {
    if (bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      return "png";
    }
    if (bytes.length > 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
      return "jpeg";
    }
    throw new Problem(415, "unsupported-image", "this node reads PNG and JPEG avatars");
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format.equals("jpeg")) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.85f);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode an avatar", e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
