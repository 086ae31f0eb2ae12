"""Stage 5: what the decree ties to the text's width (organ names broken and fitted in the
letterhead, rules, Kính gửi dashes, boxes), measured with Times New Roman metrics, and the layout
values of each role."""
