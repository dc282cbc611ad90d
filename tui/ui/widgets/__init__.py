"""Small reusable widgets and the text the screens show (the screens stay thin)."""
