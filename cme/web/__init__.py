"""The HTML adapter: GOV.UK Design System pages over the domain services and selectors."""
