"""The Qt desktop: adapts core/ to widgets. Holds no scoring logic (that is core/)."""
