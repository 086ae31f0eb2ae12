"""Thư mục mẫu của dispatch (gói ``generator.templates``): đừng xoá tệp này.

Mẫu công văn ``cong-van.docx`` và các mẫu câu ``cau/*.j2`` được cài kèm theo dispatch
từ thư mục này (xem generator/resources.py). Sửa mẫu trong Word thì cứ sửa; tệp này chỉ để
Python nhận ra thư mục.
"""
