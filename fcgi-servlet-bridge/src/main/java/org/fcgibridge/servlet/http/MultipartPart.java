package org.fcgibridge.servlet.http;

import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** One part of a multipart/form-data body: in memory, or in a temporary file. */
public final class MultipartPart implements Part {
    private final String name;
    private final String filename;
    private final Map<String, List<String>> headers;
    private final byte[] bytes;
    private Path file;
    private final long size;
    private final Charset charset;
    private final Path location;

    MultipartPart(String name, String filename, Map<String, List<String>> headers, byte[] bytes, Path file, long size,
                  Charset charset, Path location) {
        this.location = location;
        this.name = name;
        this.filename = filename;
        this.headers = headers;
        this.bytes = bytes;
        this.file = file;
        this.size = size;
        this.charset = charset;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(bytes);
    }

    @Override
    public String getContentType() {
        return getHeader("content-type");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getSubmittedFileName() {
        return filename;
    }

    @Override
    public long getSize() {
        return size;
    }

    /**
     * Writes the part to {@code fileName}, relative to the multipart location unless absolute.
     *
     * @throws IOException if the file cannot be written
     */
    @Override
    public void write(String fileName) throws IOException {
        Path target = Path.of(fileName);
        write(target.isAbsolute() ? target : location.resolve(target));
    }

    /** Writes the part's bytes to {@code target}, moving its temporary file when it has one. */
    public void write(Path target) throws IOException {
        if (file != null) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            file = target;
        } else {
            Files.write(target, bytes);
        }
    }

    /** Whether this part is a form field (no file name): its value becomes a request parameter. */
    public boolean isFormField() {
        return filename == null;
    }

    /** A form field's value. */
    public String value(Charset fallback) throws IOException {
        String declared = ContentTypes.charsetOf(getContentType());
        Charset cs = declared != null ? Charset.forName(declared) : fallback != null ? fallback : charset;
        try (InputStream in = getInputStream()) {
            return new String(in.readAllBytes(), cs);
        }
    }

    @Override
    public void delete() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public String getHeader(String headerName) {
        List<String> values = headers.get(headerName.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Collection<String> getHeaders(String headerName) {
        List<String> values = headers.get(headerName.toLowerCase(java.util.Locale.ROOT));
        return values == null ? List.of() : new ArrayList<>(values);
    }

    @Override
    public Collection<String> getHeaderNames() {
        return new ArrayList<>(headers.keySet());
    }
}
