"""The influencer catalog: reading creator exports, writing them back out, and the seeded sample catalog."""
