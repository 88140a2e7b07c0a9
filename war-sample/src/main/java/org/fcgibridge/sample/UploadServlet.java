package org.fcgibridge.sample;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.MultipartConfig;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** A file upload (multipart/form-data field "file"): answers with the file's name, size and SHA-256. */
@WebServlet("/upload")
@MultipartConfig(fileSizeThreshold = 256 * 1024, maxFileSize = 100L * 1024 * 1024, maxRequestSize = 110L * 1024 * 1024)
public final class UploadServlet extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        Part file = request.getPart("file");
        if (file == null) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "no file part");
            return;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ServletException(e);
        }
        long size = 0;
        try (InputStream in = file.getInputStream()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
                size += n;
            }
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", String.valueOf(file.getSubmittedFileName()));
        answer.put("size", size);
        answer.put("sha256", HexFormat.of().formatHex(sha.digest()));
        response.getWriter().print(Json.write(answer));
    }
}
