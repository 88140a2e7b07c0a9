package org.fcgibridge.servlet.container;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * File extensions to media types: the common web types, plus the application's own mime-mappings.
 */
public final class MimeTypes {
    private static final Map<String, String> DEFAULTS = new HashMap<>();

    static {
        String[][] table = {
            {"html", "text/html"}, {"htm", "text/html"}, {"css", "text/css"}, {"js", "text/javascript"},
            {"mjs", "text/javascript"}, {"json", "application/json"}, {"xml", "application/xml"},
            {"txt", "text/plain"}, {"csv", "text/csv"}, {"md", "text/markdown"}, {"svg", "image/svg+xml"},
            {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
            {"webp", "image/webp"}, {"avif", "image/avif"}, {"ico", "image/vnd.microsoft.icon"},
            {"bmp", "image/bmp"}, {"tif", "image/tiff"}, {"tiff", "image/tiff"}, {"pdf", "application/pdf"},
            {"zip", "application/zip"}, {"gz", "application/gzip"}, {"tar", "application/x-tar"},
            {"jar", "application/java-archive"}, {"war", "application/java-archive"},
            {"class", "application/java-vm"}, {"wasm", "application/wasm"}, {"woff", "font/woff"},
            {"woff2", "font/woff2"}, {"ttf", "font/ttf"}, {"otf", "font/otf"}, {"mp3", "audio/mpeg"},
            {"ogg", "audio/ogg"}, {"wav", "audio/wav"}, {"mp4", "video/mp4"}, {"webm", "video/webm"},
            {"jsp", "text/html"}, {"xhtml", "application/xhtml+xml"}, {"rss", "application/rss+xml"},
            {"atom", "application/atom+xml"}, {"bin", "application/octet-stream"},
            {"exe", "application/octet-stream"}, {"doc", "application/msword"}, {"rtf", "application/rtf"},
            {"xls", "application/vnd.ms-excel"}, {"ppt", "application/vnd.ms-powerpoint"},
            {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
            {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
            {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
            {"webmanifest", "application/manifest+json"}, {"map", "application/json"}, {"yaml", "application/yaml"},
            {"yml", "application/yaml"}, {"properties", "text/plain"}, {"log", "text/plain"}};
        for (String[] row : table) {
            DEFAULTS.put(row[0], row[1]);
        }
    }

    private final Map<String, String> mappings = new ConcurrentHashMap<>();

    /** Adds or replaces a mapping (web.xml mime-mapping); the extension is given without its dot. */
    public void add(String extension, String mimeType) {
        mappings.put(extension.toLowerCase(Locale.ROOT), mimeType);
    }

    /** The media type of a file name, or null. */
    public String of(String fileName) {
        if (fileName == null) {
            return null;
        }
        int slash = fileName.lastIndexOf('/');
        int dot = fileName.lastIndexOf('.');
        if (dot <= slash) {
            return null;
        }
        String extension = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        String mine = mappings.get(extension);
        return mine != null ? mine : DEFAULTS.get(extension);
    }
}
